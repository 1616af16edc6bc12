using System.Runtime.InteropServices;
using SkiaSharp;

namespace Interpretability.Rendering;

/// <summary>PNG encoding of figures (and decoding, for tests and comparisons) through SkiaSharp.</summary>
internal static class PngCodec
{
    // Fixed filter set and zlib level: the same pixels always give the same bytes.
    private static readonly SKPngEncoderOptions s_options = new(SKPngEncoderFilterFlags.AllFilters, 6);

    public static byte[] Encode(int width, int height, byte[] rgba)
    {
        // Figures are opaque: declaring it lets the encoder write 8-bit RGB without an alpha channel.
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(info, handle.AddrOfPinnedObject(), width * 4);
            using var data = pixmap.Encode(s_options)
                ?? throw new InvalidOperationException($"SkiaSharp could not encode a {width}×{height} PNG.");
            return data.ToArray();
        }
        finally
        {
            handle.Free();
        }
    }

    /// <summary>Decodes any PNG into straight-alpha RGBA; null when it is not a decodable PNG.</summary>
    public static Figure? Decode(byte[] png)
    {
        using var data = SKData.CreateCopy(png);
        using var codec = SKCodec.Create(data);
        if (codec is null || codec.EncodedFormat != SKEncodedImageFormat.Png)
        {
            return null;
        }

        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var pixels = new byte[info.BytesSize];
        var handle = GCHandle.Alloc(pixels, GCHandleType.Pinned);
        try
        {
            return codec.GetPixels(info, handle.AddrOfPinnedObject()) == SKCodecResult.Success
                ? new Figure(info.Width, info.Height, pixels)
                : null;
        }
        finally
        {
            handle.Free();
        }
    }
}
