namespace Interpretability;

/// <summary>
/// The element type of an ONNX tensor, numbered exactly as ONNX's <c>TensorProto.DataType</c>.
/// </summary>
#pragma warning disable CA1720 // The members are named after the types they describe, as in ONNX.
public enum OnnxDataType
{
    /// <summary>Not set.</summary>
    Undefined = 0,

    /// <summary>32-bit IEEE float.</summary>
    Float = 1,

    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8 = 2,

    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 3,

    /// <summary>Unsigned 16-bit integer.</summary>
    UInt16 = 4,

    /// <summary>Signed 16-bit integer.</summary>
    Int16 = 5,

    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 6,

    /// <summary>Signed 64-bit integer.</summary>
    Int64 = 7,

    /// <summary>UTF-8 string (not a numeric type; cannot be read as weights).</summary>
    String = 8,

    /// <summary>Boolean, one byte per element.</summary>
    Bool = 9,

    /// <summary>16-bit IEEE half-precision float.</summary>
    Float16 = 10,

    /// <summary>64-bit IEEE float.</summary>
    Double = 11,

    /// <summary>Unsigned 32-bit integer.</summary>
    UInt32 = 12,

    /// <summary>Unsigned 64-bit integer.</summary>
    UInt64 = 13,

    /// <summary>Complex number of two 32-bit floats (not readable as weights).</summary>
    Complex64 = 14,

    /// <summary>Complex number of two 64-bit floats (not readable as weights).</summary>
    Complex128 = 15,

    /// <summary>Brain floating point: the upper 16 bits of a 32-bit float.</summary>
    BFloat16 = 16,

    /// <summary>8-bit float, 4 exponent and 3 mantissa bits, finite only (NaN but no infinity).</summary>
    Float8E4M3FN = 17,

    /// <summary>8-bit float, 4 exponent and 3 mantissa bits, finite only, no negative zero.</summary>
    Float8E4M3FNUZ = 18,

    /// <summary>8-bit float, 5 exponent and 2 mantissa bits (the upper byte of a half).</summary>
    Float8E5M2 = 19,

    /// <summary>8-bit float, 5 exponent and 2 mantissa bits, finite only, no negative zero.</summary>
    Float8E5M2FNUZ = 20,

    /// <summary>Unsigned 4-bit integer, two per byte, low nibble first.</summary>
    UInt4 = 21,

    /// <summary>Signed 4-bit integer, two per byte, low nibble first.</summary>
    Int4 = 22,
}
#pragma warning restore CA1720
