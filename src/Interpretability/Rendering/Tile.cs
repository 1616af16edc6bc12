using System.Globalization;
using SkiaSharp;

namespace Interpretability.Rendering;

/// <summary>A rows × cols block of colours ready to draw, with the values to print on it, if any.</summary>
internal sealed class Tile
{
    public Tile(int rows, int cols, Rgba[] cells)
    {
        Rows = rows;
        Cols = cols;
        Cells = cells;
    }

    public int Rows { get; }

    public int Cols { get; }

    public Rgba[] Cells { get; }

    /// <summary>Values to print on the cells, or null for none.</summary>
    public float[]? Values { get; init; }

    /// <summary>Decimal places for <see cref="Values"/>.</summary>
    public int Decimals { get; init; }

    /// <summary>Print the values even when they do not fit comfortably.</summary>
    public bool ForceValues { get; init; }

    public string? Label { get; init; }

    /// <summary>A 2-D map through a colour scale; values kept for printing per <see cref="RenderOptions.ShowValues"/>.</summary>
    public static Tile FromMap(ReadOnlySpan<float> data, int rows, int cols, in ColorScale scale, RenderOptions options, string? label = null)
    {
        var cells = new Rgba[rows * cols];
        for (var i = 0; i < cells.Length; i++)
        {
            cells[i] = scale.ColorOf(data[i]);
        }

        var show = options.ShowValues ?? (rows <= 8 && cols <= 8);
        return new Tile(rows, cols, cells)
        {
            Values = show ? data[..cells.Length].ToArray() : null,
            Decimals = DecimalsFor(scale),
            ForceValues = options.ShowValues == true,
            Label = label,
        };
    }

    /// <summary>An image, gray (<paramref name="channels"/> = 1) or RGB (3 planes), through the image scale.</summary>
    public static Tile FromImage(ReadOnlySpan<float> data, int channels, int rows, int cols, in ColorScale scale, string? label = null)
    {
        var n = rows * cols;
        var cells = new Rgba[n];
        for (var i = 0; i < n; i++)
        {
            if (channels == 1)
            {
                var t = scale.Position(data[i]);
                var g = ColorScale.ToByte(t);
                cells[i] = double.IsNaN(t) ? scale.Nan : new Rgba(g, g, g);
            }
            else
            {
                double r = scale.Position(data[i]), gr = scale.Position(data[n + i]), b = scale.Position(data[(2 * n) + i]);
                cells[i] = double.IsNaN(r) || double.IsNaN(gr) || double.IsNaN(b)
                    ? scale.Nan
                    : new Rgba(ColorScale.ToByte(r), ColorScale.ToByte(gr), ColorScale.ToByte(b));
            }
        }

        return new Tile(rows, cols, cells) { Label = label };
    }

    /// <summary>
    /// A 3-channel kernel as colour: each channel's weight w becomes 0.5 + 0.5·w/m, so zero is mid-gray and
    /// ±m are the extremes. NaN gives the marker colour.
    /// </summary>
    public static Tile FromColorKernel(ReadOnlySpan<float> data, int rows, int cols, float m, Rgba nan, string? label)
    {
        var n = rows * cols;
        var cells = new Rgba[n];
        for (var i = 0; i < n; i++)
        {
            float r = data[i], g = data[n + i], b = data[(2 * n) + i];
            cells[i] = float.IsNaN(r) || float.IsNaN(g) || float.IsNaN(b)
                ? nan
                : new Rgba(Signed(r, m), Signed(g, m), Signed(b, m));
        }

        return new Tile(rows, cols, cells) { Label = label };

        static byte Signed(float w, float m) => ColorScale.ToByte(m > 0f ? 0.5 + (0.5 * (w / (double)m)) : 0.5);
    }

    /// <summary>Enough decimals for two significant digits of the range's magnitude (0.35, 3.2, 45, 0.035).</summary>
    public static int DecimalsFor(in ColorScale scale)
    {
        var m = Math.Max(Math.Abs((double)scale.Low), Math.Abs((double)scale.High));
        return m > 0 ? Math.Clamp(1 - (int)Math.Floor(Math.Log10(m)), 0, 6) : 1;
    }

    public static string Format(float value, int decimals) =>
        float.IsNaN(value) ? "NaN"
        : float.IsPositiveInfinity(value) ? "∞"
        : float.IsNegativeInfinity(value) ? "-∞"
        : value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public void Draw(Canvas canvas, int x, int y, int scale)
    {
        canvas.DrawCells(x, y, Cells, Rows, Cols, scale);
        if (Values is null)
        {
            return;
        }

        // The largest font from 14 px down to 7 px at which every number fits its cell with a margin.
        // Text width grows linearly with size (no hinting, linear metrics), so measure once at 10 px.
        var texts = Array.ConvertAll(Values, v => Format(v, Decimals));
        var widest10 = texts.Distinct().Max(t => canvas.MeasureText(t, 10f));
        var size = Math.Min(14f, MathF.Floor(scale * 0.32f));
        while (size >= 7f && widest10 * size / 10f > scale - 4)
        {
            size--;
        }

        if (size < 7f)
        {
            if (!ForceValues)
            {
                return;
            }

            size = 7f;
        }

        var lineHeight = canvas.LineHeight(size);
        for (var r = 0; r < Rows; r++)
        {
            for (var c = 0; c < Cols; c++)
            {
                var i = (r * Cols) + c;
                var bg = Cells[i];
                var luma = (0.299 * bg.R) + (0.587 * bg.G) + (0.114 * bg.B);
                var ink = luma > 140 ? Rgba.Black : Rgba.White;
                var cx = x + (c * scale) + (scale / 2f);
                var top = y + (r * scale) + ((scale - lineHeight) / 2f);
                canvas.DrawText(texts[i], cx, top, SKTextAlign.Center, size, ink);
            }
        }
    }
}
