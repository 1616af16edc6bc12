namespace Interpretability.Rendering;

/// <summary>Composes finished figures into one: rows of figures, each row left to right, on white.</summary>
internal static class FigureLayout
{
    public static Figure Stack(IReadOnlyList<IReadOnlyList<Figure>> rows, int gap = 8)
    {
        var width = rows.Max(r => r.Sum(f => f.Width) + (gap * Math.Max(0, r.Count - 1)));
        var height = rows.Sum(r => r.Max(f => f.Height)) + (gap * Math.Max(0, rows.Count - 1));
        var pixels = new byte[checked(width * height * 4)];
        pixels.AsSpan().Fill(255);
        var top = 0;
        foreach (var row in rows)
        {
            var left = 0;
            foreach (var figure in row)
            {
                var source = figure.Pixels;
                for (var y = 0; y < figure.Height; y++)
                {
                    source.Slice(y * figure.Width * 4, figure.Width * 4).CopyTo(pixels.AsSpan((((top + y) * width) + left) * 4));
                }

                left += figure.Width + gap;
            }

            top += row.Max(f => f.Height) + gap;
        }

        return new Figure(width, height, pixels);
    }
}
