using System.Numerics.Tensors;
using Interpretability.Imaging;
using Interpretability.Internals;

namespace Interpretability;

/// <summary>
/// Reads IDX files, the format of MNIST and Fashion-MNIST (…-images-idx3-ubyte, …-labels-idx1-ubyte),
/// plain or gzip-compressed (recognised by content, not by name).
/// </summary>
/// <remarks>
/// A malformed file raises <see cref="InvalidIdxException"/> naming the file, the value and the limit:
/// a wrong magic number or little-endian byte order, an element type other than 0x08 (unsigned byte,
/// the type of every MNIST-family file; the other IDX types are refused rather than guessed at), a
/// dimension beyond 2³¹ − 1 or a product beyond the element limit, data shorter or longer than the
/// header declares, truncated or corrupt gzip, and a path that is not a regular file (a FIFO, a device
/// or a directory, refused without being opened). The header is checked before the data are read, and
/// the data buffer grows only as data arrive.
/// </remarks>
public static class Idx
{
    /// <summary>The default limit on the elements an IDX file may declare: 2³⁰ (the Fashion-MNIST training set has 47 million).</summary>
    public const long DefaultMaxElements = 1L << 30;

    /// <summary>Reads any unsigned-byte IDX file as it is stored.</summary>
    /// <param name="path">The file, plain or gzip.</param>
    /// <param name="maxElements">The most elements the header may declare.</param>
    /// <returns>The bytes with the file's dimensions, for example [10000, 28, 28].</returns>
    public static Tensor<byte> Read(string path, long maxElements = DefaultMaxElements)
    {
        var (dimensions, data) = ReadFile(path, maxElements);
        return Tensor.Create(data, Lengths(dimensions));
    }

    /// <summary>Reads any unsigned-byte IDX data from a stream (left open) as it is stored.</summary>
    /// <param name="stream">The data, plain or gzip.</param>
    /// <param name="maxElements">The most elements the header may declare.</param>
    /// <returns>The bytes with the file's dimensions.</returns>
    public static Tensor<byte> Read(Stream stream, long maxElements = DefaultMaxElements)
    {
        var (dimensions, data) = ReadStream(stream, maxElements);
        return Tensor.Create(data, Lengths(dimensions));
    }

    /// <summary>Reads an images file as floats in [0, 1] (byte / 255).</summary>
    /// <param name="path">A 3-dimensional IDX file [N, H, W], plain or gzip.</param>
    /// <param name="maxElements">The most elements the header may declare.</param>
    /// <returns>The images, [N, H, W].</returns>
    public static Tensor<float> ReadImages(string path, long maxElements = DefaultMaxElements) =>
        Images(ReadFile(path, maxElements), path);

    /// <summary>Reads images from a stream (left open) as floats in [0, 1] (byte / 255).</summary>
    /// <param name="stream">A 3-dimensional IDX stream [N, H, W], plain or gzip.</param>
    /// <param name="maxElements">The most elements the header may declare.</param>
    /// <returns>The images, [N, H, W].</returns>
    public static Tensor<float> ReadImages(Stream stream, long maxElements = DefaultMaxElements) =>
        Images(ReadStream(stream, maxElements), "the stream");

    /// <summary>Reads a labels file.</summary>
    /// <param name="path">A 1-dimensional IDX file [N], plain or gzip.</param>
    /// <returns>The labels, one per image.</returns>
    public static int[] ReadLabels(string path) => Labels(ReadFile(path, DefaultMaxElements), path);

    /// <summary>Reads labels from a stream (left open).</summary>
    /// <param name="stream">A 1-dimensional IDX stream [N], plain or gzip.</param>
    /// <returns>The labels, one per image.</returns>
    public static int[] ReadLabels(Stream stream) => Labels(ReadStream(stream, DefaultMaxElements), "the stream");

    private static (int[] Dimensions, byte[] Data) ReadFile(string path, long maxElements)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        CheckLimit(maxElements);

        // Opening a FIFO with no writer blocks forever: look at what the path is first.
        if (Onnx.FileStatus.TryGet(path, followLinks: true, out var status) && !status.IsRegularFile)
        {
            throw new InvalidIdxException($"{path} is a {status.KindName}, not a regular file.");
        }

        if (Directory.Exists(path))
        {
            throw new InvalidIdxException($"{path} is a directory, not a file.");
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return IdxReader.Read(file, path, maxElements);
    }

    private static (int[] Dimensions, byte[] Data) ReadStream(Stream stream, long maxElements)
    {
        ArgumentNullException.ThrowIfNull(stream);
        CheckLimit(maxElements);
        if (!stream.CanRead)
        {
            ThrowHelper.ThrowArgument(nameof(stream), "The stream is not readable.");
        }

        return IdxReader.Read(stream, "the stream", maxElements);
    }

    private static void CheckLimit(long maxElements)
    {
        if (maxElements < 1 || maxElements > Array.MaxLength)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(maxElements), maxElements, $"maxElements must be from 1 to {Array.MaxLength}.");
        }
    }

    private static Tensor<float> Images((int[] Dimensions, byte[] Data) idx, string source)
    {
        if (idx.Dimensions.Length != 3)
        {
            throw new InvalidIdxException($"{source} has {idx.Dimensions.Length} dimensions [{string.Join(", ", idx.Dimensions)}]; an images file has 3 [N, H, W].");
        }

        var values = new float[idx.Data.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = idx.Data[i] / 255f;
        }

        return Tensor.Create(values, Lengths(idx.Dimensions));
    }

    private static int[] Labels((int[] Dimensions, byte[] Data) idx, string source)
    {
        if (idx.Dimensions.Length != 1)
        {
            throw new InvalidIdxException($"{source} has {idx.Dimensions.Length} dimensions [{string.Join(", ", idx.Dimensions)}]; a labels file has 1 [N].");
        }

        return Array.ConvertAll(idx.Data, b => (int)b);
    }

    private static nint[] Lengths(int[] dimensions) => Array.ConvertAll(dimensions, d => (nint)d);
}
