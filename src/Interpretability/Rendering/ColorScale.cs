namespace Interpretability.Rendering;

/// <summary>
/// Maps values to colours: a resolved colormap (never <see cref="Colormap.Auto"/>) over a range
/// [<see cref="Low"/>, <see cref="High"/>], with a marker colour for NaN.
/// </summary>
internal readonly struct ColorScale
{
    public ColorScale(Colormap map, float low, float high, Rgba nan)
    {
        Map = map;
        Low = low;
        High = high;
        Nan = nan;
    }

    public Colormap Map { get; }

    public float Low { get; }

    public float High { get; }

    public Rgba Nan { get; }

    /// <summary>
    /// Auto becomes Diverging when an explicit range or else the data have both signs, and Viridis
    /// otherwise; any other colormap is returned as is.
    /// </summary>
    public static Colormap Resolve(Colormap requested, ValueRange data, RenderOptions options)
    {
        if (requested != Colormap.Auto)
        {
            return requested;
        }

        var low = options.Min ?? (data.Any ? data.Min : 0f);
        var high = options.Max ?? (data.Any ? data.Max : 0f);
        return low < 0f && high > 0f ? Colormap.Diverging : Colormap.Viridis;
    }

    /// <summary>The scale for data with the given finite range under the options' Min, Max and SymmetricRange.</summary>
    public static ColorScale Create(Colormap map, ValueRange data, RenderOptions options)
    {
        var low = options.Min ?? (data.Any ? data.Min : 0f);
        var high = options.Max ?? (data.Any ? data.Max : 0f);
        if (high < low)
        {
            // Only one end was given and the data lie beyond it: collapse onto the given end.
            if (options.Min is null)
            {
                low = high;
            }
            else
            {
                high = low;
            }
        }

        if (map == Colormap.Diverging)
        {
            low = Math.Min(low, 0f);
            high = Math.Max(high, 0f);
            if (options.SymmetricRange)
            {
                var m = Math.Max(-low, high);
                low = -m;
                high = m;
            }
        }

        return new ColorScale(map, low, high, options.NanColor);
    }

    /// <summary>
    /// The image range: the explicit Min and Max when given, otherwise [0, 1] when every finite value
    /// lies in it, otherwise the finite range.
    /// </summary>
    public static ColorScale ForImage(ValueRange data, float? min, float? max, Rgba nan)
    {
        float low, high;
        if (!data.Any || (data.Min >= 0f && data.Max <= 1f))
        {
            (low, high) = (0f, 1f);
        }
        else
        {
            (low, high) = (data.Min, data.Max);
        }

        low = min ?? low;
        high = max ?? high;
        if (high < low)
        {
            if (min is null)
            {
                low = high;
            }
            else
            {
                high = low;
            }
        }

        return new ColorScale(Colormap.Gray, low, high, nan);
    }

    /// <summary>Where <paramref name="value"/> falls on the colormap, 0 to 1; NaN for NaN.</summary>
    public double Position(float value)
    {
        if (float.IsNaN(value))
        {
            return double.NaN;
        }

        double v = value, lo = Low, hi = High;
        if (Map == Colormap.Diverging)
        {
            // White stays at exactly zero; each side is scaled by its own end of the range.
            if (v > 0)
            {
                return hi > 0 ? 0.5 + (0.5 * Math.Min(1.0, v / hi)) : 0.5;
            }

            if (v < 0)
            {
                return lo < 0 ? 0.5 - (0.5 * Math.Min(1.0, v / lo)) : 0.5;
            }

            return 0.5;
        }

        if (hi > lo)
        {
            return Math.Clamp((v - lo) / (hi - lo), 0.0, 1.0);
        }

        // A constant range: the middle colour, with values beyond it at the ends.
        return v < lo ? 0.0 : v > hi ? 1.0 : 0.5;
    }

    /// <summary>The colour of <paramref name="value"/>.</summary>
    public Rgba ColorOf(float value)
    {
        var t = Position(value);
        return double.IsNaN(t) ? Nan : ColorAt(Map, t);
    }

    /// <summary>The colour at position <paramref name="t"/> (0 to 1) of a resolved colormap.</summary>
    public static Rgba ColorAt(Colormap map, double t)
    {
        switch (map)
        {
            case Colormap.Viridis:
            {
                // matplotlib's lookup: index = floor(t * N), with t = 1 on the last entry.
                var i = Math.Min(255, (int)(t * 256.0)) * 3;
                var table = ColormapTables.Viridis;
                return new Rgba(table[i], table[i + 1], table[i + 2]);
            }

            case Colormap.Diverging:
            {
                var anchors = ColormapTables.DivergingAnchors;
                var x = t * 10.0;
                var k = Math.Min(9, (int)x);
                var f = x - k;
                var a = k * 3;
                return new Rgba(Lerp(anchors[a], anchors[a + 3], f), Lerp(anchors[a + 1], anchors[a + 4], f), Lerp(anchors[a + 2], anchors[a + 5], f));
            }

            default:
            {
                var g = ToByte(t);
                return new Rgba(g, g, g);
            }
        }
    }

    /// <summary>0..1 to 0..255, rounded to nearest.</summary>
    public static byte ToByte(double t) => (byte)Math.Round(Math.Clamp(t, 0.0, 1.0) * 255.0, MidpointRounding.AwayFromZero);

    private static byte Lerp(byte a, byte b, double f) => (byte)Math.Round(a + ((b - a) * f), MidpointRounding.AwayFromZero);
}
