using Interpretability.Internals;
using Interpretability.Rendering;

namespace Interpretability;

/// <summary>
/// A rendered picture: managed RGBA pixels (no native handle, nothing to dispose) and the verbs that
/// write it as PNG. Made by <see cref="Render"/>; the same input always gives the same pixels and the
/// same PNG bytes.
/// </summary>
public sealed class Figure
{
    private readonly byte[] _rgba;

    internal Figure(int width, int height, byte[] rgba)
    {
        Width = width;
        Height = height;
        _rgba = rgba;
    }

    /// <summary>The width in pixels.</summary>
    public int Width { get; }

    /// <summary>The height in pixels.</summary>
    public int Height { get; }

    /// <summary>The pixels, row by row from the top, 4 bytes each: R, G, B, A (straight alpha; figures are opaque).</summary>
    public ReadOnlySpan<byte> Pixels => _rgba;

    /// <summary>The colour of one pixel.</summary>
    /// <param name="x">The column, from 0 at the left.</param>
    /// <param name="y">The row, from 0 at the top.</param>
    /// <returns>The pixel's colour.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The pixel is outside the figure.</exception>
    public Rgba GetPixel(int x, int y)
    {
        if ((uint)x >= (uint)Width)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(x), x, $"x must be from 0 to {Width - 1}, the figure's width less one.");
        }

        if ((uint)y >= (uint)Height)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(y), y, $"y must be from 0 to {Height - 1}, the figure's height less one.");
        }

        var i = ((y * Width) + x) * 4;
        return new Rgba(_rgba[i], _rgba[i + 1], _rgba[i + 2], _rgba[i + 3]);
    }

    /// <summary>Encodes the figure as PNG (8-bit RGB, deterministic: the same pixels give the same bytes).</summary>
    /// <returns>The PNG file's bytes.</returns>
    public byte[] ToPng() => PngCodec.Encode(Width, Height, _rgba);

    /// <summary>Writes the figure as a PNG file, creating its folder when missing and replacing any existing file.</summary>
    /// <param name="path">The file to write, usually ending in .png.</param>
    /// <returns>The full path, the size in pixels and the number of bytes written.</returns>
    public PngFile SavePng(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = Path.GetFullPath(path);
        if (Path.GetDirectoryName(fullPath) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        var png = ToPng();
        File.WriteAllBytes(fullPath, png);
        return new PngFile(fullPath, Width, Height, png.LongLength);
    }

    /// <summary>Writes the figure as PNG to a stream, at its current position; the stream stays open.</summary>
    /// <param name="stream">A writable stream.</param>
    /// <returns>The size in pixels and the number of bytes written (<see cref="PngFile.Path"/> is null).</returns>
    public PngFile WritePng(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            ThrowHelper.ThrowArgument(nameof(stream), "The stream is not writable.");
        }

        var png = ToPng();
        stream.Write(png);
        return new PngFile(null, Width, Height, png.LongLength);
    }

    /// <inheritdoc/>
    public override string ToString() => $"Figure {Width}×{Height}";
}
