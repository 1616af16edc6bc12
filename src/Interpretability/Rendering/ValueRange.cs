namespace Interpretability.Rendering;

/// <summary>The smallest and largest finite values seen; NaN and ±Inf are left out.</summary>
internal struct ValueRange
{
    public float Min;
    public float Max;
    public bool Any;

    public static ValueRange Of(ReadOnlySpan<float> values)
    {
        var range = default(ValueRange);
        range.Add(values);
        return range;
    }

    public void Add(ReadOnlySpan<float> values)
    {
        foreach (var v in values)
        {
            if (!float.IsFinite(v))
            {
                continue;
            }

            if (!Any)
            {
                Min = Max = v;
                Any = true;
            }
            else if (v < Min)
            {
                Min = v;
            }
            else if (v > Max)
            {
                Max = v;
            }
        }
    }

    public void Add(ValueRange other)
    {
        if (!other.Any)
        {
            return;
        }

        if (!Any)
        {
            this = other;
            return;
        }

        Min = Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
    }

    /// <summary>True when the finite values have both signs.</summary>
    public readonly bool IsSigned => Any && Min < 0f && Max > 0f;
}
