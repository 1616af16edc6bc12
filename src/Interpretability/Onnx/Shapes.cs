using System.Globalization;
using System.Text;

namespace Interpretability.Onnx;

/// <summary>Formatting and arithmetic helpers for shapes.</summary>
internal static class Shapes
{
    /// <summary>"[5, 1, 3, 3]".</summary>
    public static string Format(ReadOnlySpan<long> dims)
    {
        var builder = new StringBuilder("[");
        for (var i = 0; i < dims.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            builder.Append(dims[i].ToString(CultureInfo.InvariantCulture));
        }

        return builder.Append(']').ToString();
    }

    /// <summary>"[5, 1, 3, 3]" for tensor lengths.</summary>
    public static string Format(ReadOnlySpan<nint> dims)
    {
        Span<long> copy = dims.Length <= 16 ? stackalloc long[dims.Length] : new long[dims.Length];
        for (var i = 0; i < dims.Length; i++)
        {
            copy[i] = dims[i];
        }

        return Format(copy);
    }

    /// <summary>"[N, 1, 28, 28]", with a dynamic dimension shown by its symbolic name or "?".</summary>
    public static string Format(IReadOnlyList<int?> dims, IReadOnlyList<string?>? names = null)
    {
        var builder = new StringBuilder("[");
        for (var i = 0; i < dims.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            builder.Append(dims[i]?.ToString(CultureInfo.InvariantCulture) ?? names?[i] ?? "?");
        }

        return builder.Append(']').ToString();
    }

    /// <summary>Converts ONNX dims to tensor lengths (each already checked to fit).</summary>
    public static nint[] ToLengths(long[] dims)
    {
        var lengths = new nint[dims.Length];
        for (var i = 0; i < dims.Length; i++)
        {
            lengths[i] = checked((nint)dims[i]);
        }

        return lengths;
    }
}
