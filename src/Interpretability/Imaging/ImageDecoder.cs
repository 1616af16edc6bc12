using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace Interpretability.Imaging;

/// <summary>
/// PNG and JPEG to float planes through SkiaSharp's codecs. The format is recognised from the first
/// bytes and confirmed by the codec; dimensions are checked from the header before any pixel memory
/// is allocated; a codec result other than complete success (a truncated file included) is an error.
/// </summary>
internal static class ImageDecoder
{
    /// <summary>The decoded image as C planes of rows × cols, values in [0, 1] before normalisation.</summary>
    public readonly record struct Planes(float[] Data, int Channels, int Rows, int Cols);

    public static byte[] ReadFile(string path, ImageLoadOptions options)
    {
        // Opening a FIFO with no writer blocks forever: look at what the path is first.
        if (Onnx.FileStatus.TryGet(path, followLinks: true, out var status) && !status.IsRegularFile)
        {
            throw new InvalidImageException($"{path} is a {status.KindName}, not a regular file.");
        }

        if (Directory.Exists(path))
        {
            throw new InvalidImageException($"{path} is a directory, not a file.");
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        if (file.Length > options.MaxBytes)
        {
            throw new InvalidImageException($"{path} is {file.Length} bytes; the limit is {options.MaxBytes} bytes ({nameof(ImageLoadOptions.MaxBytes)}).");
        }

        return ReadStream(file, path, options);
    }

    public static byte[] ReadStream(Stream stream, string source, ImageLoadOptions options)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        int n;
        while ((n = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + n > options.MaxBytes)
            {
                throw new InvalidImageException($"{source} is longer than the limit of {options.MaxBytes} bytes ({nameof(ImageLoadOptions.MaxBytes)}).");
            }

            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }

    public static Planes Decode(byte[] bytes, string source, ImageLoadOptions options)
    {
        var sniffed = Sniff(bytes);
        if (sniffed is not ("PNG" or "JPEG"))
        {
            throw new InvalidImageException(sniffed is null
                ? $"{source} is not a PNG or JPEG image: it starts with 0x{Convert.ToHexString(bytes.AsSpan(0, Math.Min(8, bytes.Length)))} ({bytes.Length} bytes in all)."
                : $"{source} is a {sniffed} image; only PNG and JPEG are read.");
        }

        // A PNG states its size at a fixed place (IHDR, bytes 16 to 23): check it before the codec
        // parses anything. JPEG sizes come from the codec's header parse below, still before any pixels.
        if (sniffed == "PNG" && bytes.Length >= 24 && bytes.AsSpan(12, 4).SequenceEqual("IHDR"u8))
        {
            CheckSize(BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(20)), source, options);
        }

        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            throw new InvalidImageException($"{source} starts like a {sniffed} image but its header cannot be read (truncated or corrupt; {bytes.Length} bytes).");
        }

        if (codec.EncodedFormat is not (SKEncodedImageFormat.Png or SKEncodedImageFormat.Jpeg))
        {
            throw new InvalidImageException($"{source} is a {codec.EncodedFormat} image; only PNG and JPEG are read.");
        }

        int width = codec.Info.Width, height = codec.Info.Height;
        CheckSize((uint)Math.Max(0, width), (uint)Math.Max(0, height), source, options);

        // Straight alpha: the colour of a transparent pixel is kept and alpha is dropped, as Pillow's convert("RGB") does.
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[info.BytesSize];
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        SKCodecResult result;
        try
        {
            result = codec.GetPixels(info, handle.AddrOfPinnedObject());
        }
        finally
        {
            handle.Free();
        }

        if (result != SKCodecResult.Success)
        {
            throw new InvalidImageException(result == SKCodecResult.IncompleteInput
                ? $"{source} is truncated: the {sniffed} data end before all {width}×{height} pixels are decoded ({bytes.Length} bytes)."
                : $"{source} cannot be decoded as {sniffed}: SkiaSharp reports {result}.");
        }

        return ToPlanes(rgba, width, height, options.Color);
    }

    private static void CheckSize(uint width, uint height, string source, ImageLoadOptions options)
    {
        if (width < 1 || height < 1 || width > options.MaxDimension || height > options.MaxDimension)
        {
            throw new InvalidImageException($"{source} declares {width}×{height} pixels; each side must be from 1 to {options.MaxDimension} ({nameof(ImageLoadOptions.MaxDimension)}).");
        }

        if ((ulong)width * height > (ulong)options.MaxPixels)
        {
            throw new InvalidImageException($"{source} declares {width}×{height} = {(ulong)width * height} pixels; the limit is {options.MaxPixels} ({nameof(ImageLoadOptions.MaxPixels)}).");
        }
    }

    private static Planes ToPlanes(byte[] rgba, int width, int height, ImageColor color)
    {
        var n = width * height;
        if (color == ImageColor.Grayscale)
        {
            var gray = new float[n];
            for (var i = 0; i < n; i++)
            {
                int r = rgba[i * 4], g = rgba[(i * 4) + 1], b = rgba[(i * 4) + 2];

                // ITU-R 601-2 luma in 16-bit fixed point, bit for bit as Pillow's convert("L").
                gray[i] = (((r * 19595) + (g * 38470) + (b * 7471) + 0x8000) >> 16) / 255f;
            }

            return new Planes(gray, 1, height, width);
        }

        var planes = new float[3 * n];
        for (var i = 0; i < n; i++)
        {
            planes[i] = rgba[i * 4] / 255f;
            planes[n + i] = rgba[(i * 4) + 1] / 255f;
            planes[(2 * n) + i] = rgba[(i * 4) + 2] / 255f;
        }

        return new Planes(planes, 3, height, width);
    }

    /// <summary>The format the first bytes announce: PNG, JPEG, another named format, or null when unknown.</summary>
    public static string? Sniff(ReadOnlySpan<byte> b)
    {
        if (b.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return "PNG";
        }

        if (b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return "JPEG";
        }

        if (b.StartsWith("GIF8"u8))
        {
            return "GIF";
        }

        if (b.StartsWith("BM"u8))
        {
            return "BMP";
        }

        if (b.Length >= 12 && b.StartsWith("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8))
        {
            return "WebP";
        }

        if (b.StartsWith("II*\0"u8) || b.StartsWith("MM\0*"u8))
        {
            return "TIFF";
        }

        if (b.Length >= 12 && b[4..8].SequenceEqual("ftyp"u8))
        {
            return "HEIF/AVIF";
        }

        if (b.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0x01, 0x00]))
        {
            return "ICO";
        }

        return null;
    }

    /// <summary>Resizes per the options (antialiased bilinear), then subtracts the mean and divides by the standard deviation.</summary>
    public static Planes Prepare(Planes image, ImageLoadOptions options)
    {
        var resized = Resize(image, options);
        if (options.Mean is null && options.Std is null)
        {
            return resized;
        }

        var n = resized.Rows * resized.Cols;
        for (var c = 0; c < resized.Channels; c++)
        {
            var mean = options.Mean is { } m ? m[m.Count == 1 ? 0 : c] : 0f;
            var std = options.Std is { } s ? s[s.Count == 1 ? 0 : c] : 1f;
            var plane = resized.Data.AsSpan(c * n, n);
            for (var i = 0; i < plane.Length; i++)
            {
                plane[i] = (plane[i] - mean) / std;
            }
        }

        return resized;
    }

    private static Planes Resize(Planes image, ImageLoadOptions options)
    {
        int rows = image.Rows, cols = image.Cols;
        if (options.Width is null && options.Height is null)
        {
            return image;
        }

        // One side given: the other follows the aspect ratio.
        var width = options.Width ?? Math.Max(1, (int)Math.Round(cols * (double)options.Height!.Value / rows, MidpointRounding.AwayFromZero));
        var height = options.Height ?? Math.Max(1, (int)Math.Round(rows * (double)width / cols, MidpointRounding.AwayFromZero));
        var mode = options.Width is null || options.Height is null ? ResizeMode.Stretch : options.Resize;
        var n = rows * cols;
        var output = new float[image.Channels * width * height];
        for (var c = 0; c < image.Channels; c++)
        {
            var plane = image.Data.AsSpan(c * n, n);
            var target = output.AsSpan(c * width * height, width * height);
            switch (mode)
            {
                case ResizeMode.Fill:
                {
                    // The centred source box with the target's aspect ratio, resampled to the target.
                    var scale = Math.Max(width / (double)cols, height / (double)rows);
                    double boxWidth = width / scale, boxHeight = height / scale;
                    double x0 = (cols - boxWidth) / 2, y0 = (rows - boxHeight) / 2;
                    Resampler.Resize(plane, rows, cols, height, width, x0, y0, x0 + boxWidth, y0 + boxHeight).CopyTo(target);
                    break;
                }

                case ResizeMode.Fit:
                {
                    var scale = Math.Min(width / (double)cols, height / (double)rows);
                    var innerWidth = Math.Clamp((int)Math.Round(cols * scale, MidpointRounding.AwayFromZero), 1, width);
                    var innerHeight = Math.Clamp((int)Math.Round(rows * scale, MidpointRounding.AwayFromZero), 1, height);
                    var inner = Resampler.Resize(plane, rows, cols, innerHeight, innerWidth);
                    int left = (width - innerWidth) / 2, top = (height - innerHeight) / 2;
                    for (var r = 0; r < innerHeight; r++)
                    {
                        inner.AsSpan(r * innerWidth, innerWidth).CopyTo(target.Slice(((top + r) * width) + left));
                    }

                    break;
                }

                default:
                    Resampler.Resize(plane, rows, cols, height, width).CopyTo(target);
                    break;
            }
        }

        return new Planes(output, image.Channels, height, width);
    }
}
