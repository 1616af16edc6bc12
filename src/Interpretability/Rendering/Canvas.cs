using System.Runtime.InteropServices;
using SkiaSharp;

namespace Interpretability.Rendering;

/// <summary>
/// An opaque RGBA drawing surface. Colour cells are written straight into the pixel memory (exact,
/// nearest-neighbour); only text goes through SkiaSharp. Every figure starts white.
/// </summary>
internal sealed class Canvas : IDisposable
{
    /// <summary>Figures are capped so that a mistaken scale cannot ask for gigabytes.</summary>
    public const int MaxSide = 16384;

    /// <summary>At most 64 Mi pixels (256 MiB of RGBA) per figure.</summary>
    public const long MaxPixels = 64L * 1024 * 1024;

    private readonly SKBitmap _bitmap;
    private readonly SKCanvas _canvas;
    private readonly Dictionary<float, SKFont> _fonts = [];
    private readonly SKPaint _textPaint = new() { IsAntialias = true, Style = SKPaintStyle.Fill };

    public Canvas(int width, int height)
    {
        Width = width;
        Height = height;
        _bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        _canvas = new SKCanvas(_bitmap);
        _canvas.Clear(SKColors.White);
    }

    public int Width { get; }

    public int Height { get; }

    private Span<byte> Pixels => _bitmap.GetPixelSpan();

    /// <summary>True when a figure of this size is within <see cref="MaxSide"/> and <see cref="MaxPixels"/>.</summary>
    public static bool Fits(long width, long height) =>
        width >= 1 && height >= 1 && width <= MaxSide && height <= MaxSide && width * height <= MaxPixels;

    public void FillRect(int x, int y, int width, int height, Rgba color)
    {
        var x0 = Math.Max(0, x);
        var y0 = Math.Max(0, y);
        var x1 = Math.Min(Width, x + width);
        var y1 = Math.Min(Height, y + height);
        if (x1 <= x0 || y1 <= y0)
        {
            return;
        }

        var pixels = MemoryMarshal.Cast<byte, uint>(Pixels);
        var packed = Pack(color with { A = 255 }); // figures are opaque
        for (var row = y0; row < y1; row++)
        {
            pixels.Slice((row * Width) + x0, x1 - x0).Fill(packed);
        }
    }

    /// <summary>Draws a rows × cols grid of colours, each cell a scale × scale square (nearest neighbour).</summary>
    public void DrawCells(int x, int y, ReadOnlySpan<Rgba> cells, int rows, int cols, int scale)
    {
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++)
            {
                FillRect(x + (c * scale), y + (r * scale), scale, scale, cells[(r * cols) + c]);
            }
        }
    }

    /// <summary>A one-pixel rectangle outline inside the given bounds.</summary>
    public void StrokeRect(int x, int y, int width, int height, Rgba color)
    {
        FillRect(x, y, width, 1, color);
        FillRect(x, y + height - 1, width, 1, color);
        FillRect(x, y, 1, height, color);
        FillRect(x + width - 1, y, 1, height, color);
    }

    /// <summary>The line height of text of <paramref name="size"/> pixels: ascent plus descent, rounded up.</summary>
    public int LineHeight(float size)
    {
        var metrics = Font(size).Metrics;
        return (int)Math.Ceiling(metrics.Descent - metrics.Ascent);
    }

    public float MeasureText(string text, float size) => Font(size).MeasureText(text, _textPaint);

    /// <summary>Draws one line whose line box starts at <paramref name="top"/>; <paramref name="x"/> is the left, centre or right per <paramref name="align"/>.</summary>
    public void DrawText(string text, float x, float top, SKTextAlign align, float size, Rgba color)
    {
        var font = Font(size);
        _textPaint.Color = new SKColor(color.R, color.G, color.B, color.A);
        _canvas.DrawText(text, x, top - font.Metrics.Ascent, align, font, _textPaint);
    }

    /// <summary>Shortens <paramref name="text"/> with an ellipsis until it fits <paramref name="maxWidth"/>; empty when nothing fits.</summary>
    public string Ellipsize(string text, float maxWidth, float size)
    {
        if (MeasureText(text, size) <= maxWidth)
        {
            return text;
        }

        for (var n = text.Length - 1; n > 0; n--)
        {
            var candidate = string.Concat(text.AsSpan(0, n), "…");
            if (MeasureText(candidate, size) <= maxWidth)
            {
                return candidate;
            }
        }

        return string.Empty;
    }

    /// <summary>Copies the pixels out into a managed figure (opaque, so premultiplied equals straight alpha).</summary>
    public Figure ToFigure()
    {
        _canvas.Flush();
        return new Figure(Width, Height, Pixels.ToArray());
    }

    public void Dispose()
    {
        foreach (var font in _fonts.Values)
        {
            font.Dispose();
        }

        _textPaint.Dispose();
        _canvas.Dispose();
        _bitmap.Dispose();
    }

    private SKFont Font(float size)
    {
        if (!_fonts.TryGetValue(size, out var font))
        {
            font = Typefaces.CreateFont(size);
            _fonts.Add(size, font);
        }

        return font;
    }

    // RGBA8888 in memory is R, G, B, A bytes: little-endian packs them as A<<24 | B<<16 | G<<8 | R.
    private static uint Pack(Rgba c) => BitConverter.IsLittleEndian
        ? (uint)(c.R | (c.G << 8) | (c.B << 16) | (c.A << 24))
        : (uint)((c.R << 24) | (c.G << 16) | (c.B << 8) | c.A);
}
