using Interpretability.Internals;
using SkiaSharp;

namespace Interpretability.Rendering;

/// <summary>
/// Puts a block of content into a figure: an optional title above, an optional colorbar to the right,
/// and a white margin whenever there is any decoration. Bare content (no title, no colorbar, no
/// margin) gives a figure of exactly the content's size.
/// </summary>
internal static class Frame
{
    public const int Margin = 10;
    public const float TitleSize = 16f;
    public const float LabelSize = 12f;
    public const float TickSize = 11f;
    public const int ColorbarWidth = 16;
    public const int ColorbarGap = 12;
    public const int TickLength = 4;
    public const int MinColorbarHeight = 80;

    private static readonly Rgba s_outline = new(128, 128, 128);

    /// <summary>The figure size for content of the given size.</summary>
    public static (long Width, long Height) Size(long contentWidth, long contentHeight, RenderOptions options, ColorScale? colorbar, bool margin)
    {
        var l = Measure(options, colorbar, margin);
        var bodyWidth = contentWidth + l.ColorbarWidth;
        var bodyHeight = colorbar is null ? contentHeight : Math.Max(contentHeight, MinColorbarHeight);
        return (Math.Max(bodyWidth, l.TitleWidth) + (2 * l.Margin), l.TitleHeight + bodyHeight + (2 * l.Margin));
    }

    /// <summary>
    /// Picks the scale: the explicit one (which must fit), or the largest up to
    /// <paramref name="target"/> / <paramref name="largestSide"/> whose figure fits the caps.
    /// </summary>
    public static int ResolveScale(int? explicitScale, int target, int largestSide, Func<int, (long Width, long Height)> size, string paramName)
    {
        if (explicitScale is { } fixedScale)
        {
            var (w, h) = size(fixedScale);
            if (!Canvas.Fits(w, h))
            {
                ThrowTooLarge(paramName, w, h, $"at Scale {fixedScale}; use a smaller Scale");
            }

            return fixedScale;
        }

        var s = Math.Max(1, target / Math.Max(1, largestSide));
        while (true)
        {
            var (w, h) = size(s);
            if (Canvas.Fits(w, h))
            {
                return s;
            }

            if (s == 1)
            {
                ThrowTooLarge(paramName, w, h, "even at scale 1; render fewer or smaller tensors");
            }

            s = Math.Min(s - 1, s * 3 / 4);
            s = Math.Max(1, s);
        }
    }

    /// <summary>
    /// Draws the title, the content (through <paramref name="drawContent"/>, given its top-left corner) and
    /// the colorbar, which spans the content's height or, when given, <paramref name="colorbarSpan"/>
    /// (top and height relative to the content).
    /// </summary>
    public static Figure Compose(int contentWidth, int contentHeight, RenderOptions options, ColorScale? colorbar, bool margin,
        Action<Canvas, int, int> drawContent, (int Top, int Height)? colorbarSpan = null)
    {
        var l = Measure(options, colorbar, margin);
        var (width, height) = Size(contentWidth, contentHeight, options, colorbar, margin);
        using var canvas = new Canvas((int)width, (int)height);
        if (options.Title is { } title)
        {
            canvas.DrawText(title, width / 2f, l.Margin, SKTextAlign.Center, TitleSize, Rgba.Black);
        }

        var bodyWidth = contentWidth + l.ColorbarWidth;
        var bodyHeight = colorbar is null ? contentHeight : Math.Max(contentHeight, MinColorbarHeight);
        var bodyX = (int)((width - bodyWidth) / 2);
        var bodyY = l.Margin + l.TitleHeight;
        var contentY = bodyY + ((bodyHeight - contentHeight) / 2);
        drawContent(canvas, bodyX, contentY);
        if (colorbar is { } scale)
        {
            var (barTop, barHeight) = colorbarSpan is { } span ? (contentY + span.Top, span.Height) : (bodyY, bodyHeight);
            DrawColorbar(canvas, scale, bodyX + contentWidth + ColorbarGap, barTop, barHeight);
        }

        return canvas.ToFigure();
    }

    /// <summary>The values labelled on a colorbar: the range's ends and zero (diverging) or the midpoint.</summary>
    public static float[] Ticks(in ColorScale scale)
    {
        if (!(scale.High > scale.Low))
        {
            return [scale.Low];
        }

        var middle = scale.Map == Colormap.Diverging ? 0f : scale.Low + ((scale.High - scale.Low) / 2f);
        return middle > scale.Low && middle < scale.High ? [scale.High, middle, scale.Low] : [scale.High, scale.Low];
    }

    private static void DrawColorbar(Canvas canvas, in ColorScale scale, int x, int y, int height)
    {
        for (var row = 0; row < height; row++)
        {
            var t = 1.0 - ((row + 0.5) / height);
            canvas.FillRect(x, y + row, ColorbarWidth, 1, ColorScale.ColorAt(scale.Map, t));
        }

        canvas.StrokeRect(x, y, ColorbarWidth, height, s_outline);
        var decimals = Tile.DecimalsFor(scale);
        var lineHeight = canvas.LineHeight(TickSize);
        foreach (var value in Ticks(scale))
        {
            var t = scale.Position(value);
            var ty = y + (int)Math.Round((1.0 - t) * (height - 1));
            canvas.FillRect(x + ColorbarWidth, ty, TickLength, 1, s_outline);
            var top = Math.Clamp(ty - (lineHeight / 2f), 0f, canvas.Height - lineHeight);
            canvas.DrawText(Tile.Format(value, decimals), x + ColorbarWidth + TickLength + 3, top, SKTextAlign.Left, TickSize, Rgba.Black);
        }
    }

    private static (int Margin, int TitleHeight, int TitleWidth, int ColorbarWidth) Measure(RenderOptions options, ColorScale? colorbar, bool margin)
    {
        var hasDecoration = margin || options.Title is not null || colorbar is not null;
        var m = hasDecoration ? Margin : 0;
        var titleHeight = options.Title is null ? 0 : Typefaces.LineHeight(TitleSize) + 8;
        var titleWidth = options.Title is null ? 0 : (int)Math.Ceiling(Typefaces.Measure(options.Title, TitleSize));
        var colorbarWidth = 0;
        if (colorbar is { } scale)
        {
            var decimals = Tile.DecimalsFor(scale);
            var widest = Ticks(scale).Max(v => Typefaces.Measure(Tile.Format(v, decimals), TickSize));
            colorbarWidth = ColorbarGap + ColorbarWidth + TickLength + 3 + (int)Math.Ceiling(widest);
        }

        return (m, titleHeight, titleWidth, colorbarWidth);
    }

    private static void ThrowTooLarge(string paramName, long width, long height, string advice) =>
        ThrowHelper.ThrowArgument(paramName, $"The figure would be {width}×{height} pixels {advice}; a figure may have at most {Canvas.MaxSide} pixels per side and {Canvas.MaxPixels} in all.");
}
