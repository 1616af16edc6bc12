namespace Interpretability.Onnx;

/// <summary>
/// Decoding tables for ONNX's four 8-bit float types (one float per bit pattern), built from the
/// formats' definitions: sign bit, then exponent and mantissa bits, value
/// <c>(-1)^s * 2^(e - bias) * (1 + m / 2^mantissaBits)</c>, subnormal when e = 0.
/// </summary>
/// <remarks>
/// E4M3FN: bias 7, no infinities, NaN when all exponent and mantissa bits are set.
/// E4M3FNUZ: bias 8, no infinities, no negative zero, the pattern 0x80 is NaN.
/// E5M2: bias 15, IEEE-like (all-ones exponent is infinity or NaN); it is the upper byte of a half.
/// E5M2FNUZ: bias 16, no infinities, no negative zero, 0x80 is NaN.
/// </remarks>
internal static class Float8
{
    private static readonly float[] s_e4m3fn = Build(exponentBits: 4, mantissaBits: 3, bias: 7, OnnxDataType.Float8E4M3FN);
    private static readonly float[] s_e4m3fnuz = Build(exponentBits: 4, mantissaBits: 3, bias: 8, OnnxDataType.Float8E4M3FNUZ);
    private static readonly float[] s_e5m2 = Build(exponentBits: 5, mantissaBits: 2, bias: 15, OnnxDataType.Float8E5M2);
    private static readonly float[] s_e5m2fnuz = Build(exponentBits: 5, mantissaBits: 2, bias: 16, OnnxDataType.Float8E5M2FNUZ);

    /// <summary>The 256-entry table for one of the FLOAT8 types.</summary>
    public static float[] Table(OnnxDataType type) => type switch
    {
        OnnxDataType.Float8E4M3FN => s_e4m3fn,
        OnnxDataType.Float8E4M3FNUZ => s_e4m3fnuz,
        OnnxDataType.Float8E5M2 => s_e5m2,
        OnnxDataType.Float8E5M2FNUZ => s_e5m2fnuz,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not an 8-bit float type."),
    };

    private static float[] Build(int exponentBits, int mantissaBits, int bias, OnnxDataType type)
    {
        var table = new float[256];
        var exponentMask = (1 << exponentBits) - 1;
        var mantissaMask = (1 << mantissaBits) - 1;
        for (var bits = 0; bits < 256; bits++)
        {
            var negative = (bits & 0x80) != 0;
            var exponent = (bits >> mantissaBits) & exponentMask;
            var mantissa = bits & mantissaMask;
            float value;
            if (type is OnnxDataType.Float8E4M3FNUZ or OnnxDataType.Float8E5M2FNUZ && bits == 0x80)
            {
                value = float.NaN;
            }
            else if (type == OnnxDataType.Float8E4M3FN && exponent == exponentMask && mantissa == mantissaMask)
            {
                value = float.NaN;
            }
            else if (type == OnnxDataType.Float8E5M2 && exponent == exponentMask)
            {
                value = mantissa == 0 ? float.PositiveInfinity : float.NaN;
            }
            else if (exponent == 0)
            {
                value = MathF.ScaleB(mantissa / (float)(1 << mantissaBits), 1 - bias);
            }
            else
            {
                value = MathF.ScaleB(1f + (mantissa / (float)(1 << mantissaBits)), exponent - bias);
            }

            table[bits] = negative && !float.IsNaN(value) ? -value : value;
        }

        return table;
    }
}
