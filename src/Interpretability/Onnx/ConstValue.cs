namespace Interpretability.Onnx;

/// <summary>
/// A constant computed from the graph: its element type as the graph sees it, its dimensions, and
/// its values as floats (floating-point types) or exact 64-bit integers (integer and bool types).
/// </summary>
internal sealed class ConstValue
{
    private ConstValue(OnnxDataType type, long[] dims, float[]? floats, long[]? ints)
    {
        Type = type;
        Dims = dims;
        Floats = floats;
        Ints = ints;
    }

    public OnnxDataType Type { get; }

    public long[] Dims { get; }

    public float[]? Floats { get; }

    public long[]? Ints { get; }

    public int Count => Floats?.Length ?? Ints!.Length;

    public static ConstValue FromFloats(OnnxDataType type, long[] dims, float[] values) => new(type, dims, values, null);

    public static ConstValue FromInts(OnnxDataType type, long[] dims, long[] values) => new(type, dims, null, values);

    /// <summary>The values as floats (integers convert to the nearest float).</summary>
    public float[] AsFloats() => Floats ?? Array.ConvertAll(Ints!, static v => (float)v);

    /// <summary>Element <paramref name="index"/> as a double, whatever the storage.</summary>
    public double this[int index] => Floats is { } f ? f[index] : Ints![index];

    /// <summary>Same values, other dims (same element count).</summary>
    public ConstValue WithDims(long[] dims) => new(Type, dims, Floats, Ints);

    /// <summary>A value of the same kind (float or integer) with new contents.</summary>
    public ConstValue Like(long[] dims, Func<int, int> sourceIndex, int count)
    {
        if (Floats is { } floats)
        {
            var result = new float[count];
            for (var i = 0; i < count; i++)
            {
                result[i] = floats[sourceIndex(i)];
            }

            return FromFloats(Type, dims, result);
        }

        var ints = new long[count];
        for (var i = 0; i < count; i++)
        {
            ints[i] = Ints![sourceIndex(i)];
        }

        return FromInts(Type, dims, ints);
    }
}
