using SkiaSharp;

namespace Interpretability.Rendering;

/// <summary>
/// The one font the renderer uses: DejaVu Sans, embedded in the assembly and loaded once, so text
/// renders the same on a machine with no system fonts or fontconfig, and no fallback font is ever
/// consulted.
/// </summary>
internal static class Typefaces
{
    internal const string ResourceName = "Interpretability.Rendering.Fonts.DejaVuSans.ttf";

    private static readonly Lazy<SKTypeface> s_dejaVuSans = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    public static SKTypeface DejaVuSans => s_dejaVuSans.Value;

    /// <summary>A font with every setting that affects rasterisation fixed explicitly.</summary>
    public static SKFont CreateFont(float size) => new(DejaVuSans, size)
    {
        Edging = SKFontEdging.Antialias,
        Hinting = SKFontHinting.None,
        Subpixel = false,
        LinearMetrics = true,
        BaselineSnap = true,
        EmbeddedBitmaps = false,
        ForceAutoHinting = false,
        Embolden = false,
    };

    /// <summary>The advance width of <paramref name="text"/> at <paramref name="size"/> pixels.</summary>
    public static float Measure(string text, float size)
    {
        using var font = CreateFont(size);
        return font.MeasureText(text);
    }

    /// <summary>Ascent plus descent at <paramref name="size"/> pixels, rounded up: the height of one line box.</summary>
    public static int LineHeight(float size)
    {
        using var font = CreateFont(size);
        var metrics = font.Metrics;
        return (int)Math.Ceiling(metrics.Descent - metrics.Ascent);
    }

    private static SKTypeface Load()
    {
        using var stream = typeof(Typefaces).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded font {ResourceName} is missing from the assembly.");
        using var data = SKData.Create(stream);
        return SKTypeface.FromData(data)
            ?? throw new InvalidOperationException($"SkiaSharp could not read the embedded font {ResourceName}.");
    }
}
