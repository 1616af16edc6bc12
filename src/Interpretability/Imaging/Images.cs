using System.Numerics.Tensors;
using Interpretability.Imaging;
using Interpretability.Internals;

namespace Interpretability;

/// <summary>
/// Loads PNG and JPEG images as tensors with values in [0, 1]: RGB [3, H, W] or grayscale [H, W], with
/// optional resizing and per-channel normalisation (<see cref="ImageLoadOptions"/>).
/// </summary>
/// <remarks>
/// Anything else raises <see cref="InvalidImageException"/> naming the file, the value and the limit:
/// other formats (GIF, BMP, WebP, ... are refused even though the codec could read them), dimensions
/// beyond <see cref="ImageLoadOptions.MaxDimension"/> or <see cref="ImageLoadOptions.MaxPixels"/>
/// (checked from the header, before pixel memory is allocated), files beyond
/// <see cref="ImageLoadOptions.MaxBytes"/>, a path that is not a regular file (a FIFO, a device or a
/// directory, refused without being opened), and truncated or corrupt data. EXIF orientation is not
/// applied (as Pillow's Image.open); alpha is dropped, keeping each pixel's colour.
/// </remarks>
public static class Images
{
    /// <summary>Loads one image file.</summary>
    /// <param name="path">A .png or .jpg file (the content decides, not the name).</param>
    /// <param name="options">Colour, resize, normalisation and limits; <see cref="ImageLoadOptions.Default"/> when null.</param>
    /// <returns>[3, H, W] for RGB or [H, W] for grayscale.</returns>
    public static Tensor<float> Load(string path, ImageLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var o = (options ?? ImageLoadOptions.Default).Validate(nameof(options));
        return ToTensor(LoadPlanes(path, o));
    }

    /// <summary>Loads one image from a stream, read to its end and left open.</summary>
    /// <param name="stream">PNG or JPEG data.</param>
    /// <param name="options">Colour, resize, normalisation and limits; <see cref="ImageLoadOptions.Default"/> when null.</param>
    /// <returns>[3, H, W] for RGB or [H, W] for grayscale.</returns>
    public static Tensor<float> Load(Stream stream, ImageLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            ThrowHelper.ThrowArgument(nameof(stream), "The stream is not readable.");
        }

        var o = (options ?? ImageLoadOptions.Default).Validate(nameof(options));
        var bytes = ImageDecoder.ReadStream(stream, "the stream", o);
        return ToTensor(ImageDecoder.Prepare(ImageDecoder.Decode(bytes, "the stream", o), o));
    }

    /// <summary>Loads several image files into one batch, as models take them.</summary>
    /// <param name="paths">The files; after resizing they must all have the same size.</param>
    /// <param name="options">Colour, resize (give Width and Height for images of mixed sizes), normalisation and limits.</param>
    /// <returns>[N, C, H, W] with C = 3 (RGB) or 1 (grayscale).</returns>
    /// <exception cref="InvalidImageException">A file is bad, or its size differs from the first's.</exception>
    public static Tensor<float> LoadBatch(IEnumerable<string> paths, ImageLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var o = (options ?? ImageLoadOptions.Default).Validate(nameof(options));
        var list = paths.ToList();
        if (list.Count == 0)
        {
            ThrowHelper.ThrowArgument(nameof(paths), $"{nameof(paths)} is empty; give at least one file.");
        }

        float[]? batch = null;
        var first = default(ImageDecoder.Planes);
        for (var i = 0; i < list.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(list[i]))
            {
                ThrowHelper.ThrowArgument(nameof(paths), $"{nameof(paths)}[{i}] is empty.");
            }

            var image = LoadPlanes(list[i], o);
            if (i == 0)
            {
                first = image;
                batch = new float[(long)list.Count * image.Data.Length];
            }
            else if (image.Rows != first.Rows || image.Cols != first.Cols)
            {
                throw new InvalidImageException($"{list[i]} is {image.Cols}×{image.Rows} but {list[0]} is {first.Cols}×{first.Rows}; a batch needs one size (set Width and Height to resize).");
            }

            image.Data.CopyTo(batch!, (long)i * image.Data.Length);
        }

        return Tensor.Create(batch!, [list.Count, first.Channels, first.Rows, first.Cols]);
    }

    private static ImageDecoder.Planes LoadPlanes(string path, ImageLoadOptions o) =>
        ImageDecoder.Prepare(ImageDecoder.Decode(ImageDecoder.ReadFile(path, o), path, o), o);

    private static Tensor<float> ToTensor(ImageDecoder.Planes p) => p.Channels == 1
        ? Tensor.Create(p.Data, [p.Rows, p.Cols])
        : Tensor.Create(p.Data, [p.Channels, p.Rows, p.Cols]);
}
