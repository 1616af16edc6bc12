namespace Interpretability.Onnx;

/// <summary>Facts about <see cref="OnnxDataType"/> values: storage size, names, kinds.</summary>
internal static class OnnxDataTypes
{
    /// <summary>True for values this library knows how to turn into numbers.</summary>
    public static bool IsNumeric(OnnxDataType type) => type switch
    {
        OnnxDataType.Float or OnnxDataType.UInt8 or OnnxDataType.Int8 or OnnxDataType.UInt16 or OnnxDataType.Int16
            or OnnxDataType.Int32 or OnnxDataType.Int64 or OnnxDataType.Bool or OnnxDataType.Float16 or OnnxDataType.Double
            or OnnxDataType.UInt32 or OnnxDataType.UInt64 or OnnxDataType.BFloat16 or OnnxDataType.Float8E4M3FN
            or OnnxDataType.Float8E4M3FNUZ or OnnxDataType.Float8E5M2 or OnnxDataType.Float8E5M2FNUZ
            or OnnxDataType.UInt4 or OnnxDataType.Int4 => true,
        _ => false,
    };

    /// <summary>True for floating-point element types (the ones that hold learned weights directly).</summary>
    public static bool IsFloatingPoint(OnnxDataType type) => type is OnnxDataType.Float or OnnxDataType.Float16
        or OnnxDataType.Double or OnnxDataType.BFloat16 or OnnxDataType.Float8E4M3FN or OnnxDataType.Float8E4M3FNUZ
        or OnnxDataType.Float8E5M2 or OnnxDataType.Float8E5M2FNUZ;

    /// <summary>
    /// Bytes that <paramref name="count"/> elements occupy in <c>raw_data</c> or external data, or -1
    /// for types without a fixed width. Checked: throws <see cref="OverflowException"/> on overflow.
    /// </summary>
    public static long RawByteCount(OnnxDataType type, long count) => type switch
    {
        OnnxDataType.UInt4 or OnnxDataType.Int4 => checked((count + 1) / 2),
        _ => ElementSize(type) is var size and > 0 ? checked(count * size) : -1,
    };

    /// <summary>Bytes per element, or 0 for packed or variable-width types.</summary>
    public static int ElementSize(OnnxDataType type) => type switch
    {
        OnnxDataType.Float or OnnxDataType.Int32 or OnnxDataType.UInt32 => 4,
        OnnxDataType.UInt8 or OnnxDataType.Int8 or OnnxDataType.Bool or OnnxDataType.Float8E4M3FN
            or OnnxDataType.Float8E4M3FNUZ or OnnxDataType.Float8E5M2 or OnnxDataType.Float8E5M2FNUZ => 1,
        OnnxDataType.UInt16 or OnnxDataType.Int16 or OnnxDataType.Float16 or OnnxDataType.BFloat16 => 2,
        OnnxDataType.Int64 or OnnxDataType.Double or OnnxDataType.UInt64 or OnnxDataType.Complex64 => 8,
        OnnxDataType.Complex128 => 16,
        _ => 0,
    };

    /// <summary>ONNX's upper-case name of a type value, or the number when it is not one ONNX defines.</summary>
    public static string Name(int value) => value switch
    {
        0 => "UNDEFINED",
        1 => "FLOAT",
        2 => "UINT8",
        3 => "INT8",
        4 => "UINT16",
        5 => "INT16",
        6 => "INT32",
        7 => "INT64",
        8 => "STRING",
        9 => "BOOL",
        10 => "FLOAT16",
        11 => "DOUBLE",
        12 => "UINT32",
        13 => "UINT64",
        14 => "COMPLEX64",
        15 => "COMPLEX128",
        16 => "BFLOAT16",
        17 => "FLOAT8E4M3FN",
        18 => "FLOAT8E4M3FNUZ",
        19 => "FLOAT8E5M2",
        20 => "FLOAT8E5M2FNUZ",
        21 => "UINT4",
        22 => "INT4",
        23 => "FLOAT4E2M1",
        24 => "FLOAT8E8M0",
        25 => "UINT2",
        26 => "INT2",
        _ => $"data type {value}",
    };

    /// <summary>The type's ONNX name for a known value.</summary>
    public static string Name(OnnxDataType type) => Name((int)type);
}
