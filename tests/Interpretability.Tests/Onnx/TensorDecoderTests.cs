using Google.Protobuf;
using Interpretability.Onnx;
using Interpretability.Onnx.Schema;

namespace Interpretability.Tests.Onnx;

/// <summary>
/// Decoding every ONNX element type, with expected values taken from the formats' definitions
/// (IEEE half 0x3C00 is 1, bfloat16 0x3F80 is 1, E4M3FN 0x7E is 448, ...), not from the decoder.
/// </summary>
public class TensorDecoderTests
{
    private static readonly ModelSource s_source = new("test.onnx", null, ModelLoadOptions.Default);

    private static float[] Decode(TensorProto tensor) => TensorDecoder.ToFloats(tensor, TensorDecoder.ReadHeader(tensor, s_source), s_source);

    public static TheoryData<OnnxDataType, byte[], float[]> RawCases => new()
    {
        { OnnxDataType.Float, [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0], [1f, -2f] },
        { OnnxDataType.Float16, [0x00, 0x3C, 0x00, 0xC0, 0xFF, 0x7B, 0x01, 0x00], [1f, -2f, 65504f, MathF.Pow(2, -24)] },
        { OnnxDataType.BFloat16, [0x80, 0x3F, 0x40, 0xC0], [1f, -3f] },
        { OnnxDataType.Double, BitConverter.GetBytes(0.1).Concat(BitConverter.GetBytes(-1e300)).ToArray(), [0.1f, float.NegativeInfinity] },
        { OnnxDataType.Int8, [0xFF, 0x80, 0x7F], [-1f, -128f, 127f] },
        { OnnxDataType.UInt8, [0xFF, 0x00], [255f, 0f] },
        { OnnxDataType.Int16, [0xFF, 0xFF, 0x00, 0x80], [-1f, -32768f] },
        { OnnxDataType.UInt16, [0xFF, 0xFF], [65535f] },
        { OnnxDataType.Int32, [0xFE, 0xFF, 0xFF, 0xFF], [-2f] },
        { OnnxDataType.UInt32, [0xFF, 0xFF, 0xFF, 0xFF], [4294967295f] },
        { OnnxDataType.Int64, [0xFD, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], [-3f] },
        { OnnxDataType.UInt64, [0x05, 0, 0, 0, 0, 0, 0, 0], [5f] },
        { OnnxDataType.Bool, [0x01, 0x00], [1f, 0f] },
        { OnnxDataType.Float8E4M3FN, [0x38, 0x7E, 0x01, 0xB8, 0x00], [1f, 448f, MathF.Pow(2, -9), -1f, 0f] },
        { OnnxDataType.Float8E4M3FNUZ, [0x40, 0x7F, 0x01], [1f, 240f, MathF.Pow(2, -10)] },
        { OnnxDataType.Float8E5M2, [0x3C, 0x7B, 0x7C, 0xFC, 0x01], [1f, 57344f, float.PositiveInfinity, float.NegativeInfinity, MathF.Pow(2, -16)] },
        { OnnxDataType.Float8E5M2FNUZ, [0x40, 0x7F, 0x01], [1f, 57344f, MathF.Pow(2, -17)] },
    };

    [Theory]
    [MemberData(nameof(RawCases))]
    public void ToFloats_DecodesRawDataOfEveryType(OnnxDataType type, byte[] bytes, float[] expected)
    {
        var tensor = OnnxBuilder.Raw("t", type, [expected.Length], bytes);

        Assert.Equal(expected, Decode(tensor));
    }

    [Theory]
    [InlineData(OnnxDataType.Float8E4M3FN, 0x7F)]
    [InlineData(OnnxDataType.Float8E4M3FN, 0xFF)]
    [InlineData(OnnxDataType.Float8E4M3FNUZ, 0x80)]
    [InlineData(OnnxDataType.Float8E5M2, 0x7D)]
    [InlineData(OnnxDataType.Float8E5M2FNUZ, 0x80)]
    public void ToFloats_DecodesFloat8NaNPatterns(OnnxDataType type, byte bits)
    {
        Assert.True(float.IsNaN(Decode(OnnxBuilder.Raw("t", type, [1], [bits]))[0]));
    }

    [Fact]
    public void ToFloats_UnpacksFourBitIntegersLowNibbleFirst()
    {
        // 0xF7: low nibble 7, high nibble 0xF (-1 signed, 15 unsigned); 0x08: 8 (-8 signed); three elements use two bytes.
        Assert.Equal([7f, -1f, -8f], Decode(OnnxBuilder.Raw("t", OnnxDataType.Int4, [3], [0xF7, 0x08])));
        Assert.Equal([7f, 15f, 8f], Decode(OnnxBuilder.Raw("t", OnnxDataType.UInt4, [3], [0xF7, 0x08])));
    }

    [Fact]
    public void ToFloats_ReadsTypedFields()
    {
        Assert.Equal([1.5f, -2f], Decode(OnnxBuilder.FloatData("f", [2], [1.5f, -2f])));

        var half = new TensorProto { Name = "h", DataType = (int)OnnxDataType.Float16, Dims = { 2 }, Int32Data = { 0x3C00, 0xC000 } };
        Assert.Equal([1f, -2f], Decode(half));

        var bfloat = new TensorProto { Name = "b", DataType = (int)OnnxDataType.BFloat16, Dims = { 1 }, Int32Data = { 0x3F80 } };
        Assert.Equal([1f], Decode(bfloat));

        var int8 = new TensorProto { Name = "i8", DataType = (int)OnnxDataType.Int8, Dims = { 2 }, Int32Data = { -5, 7 } };
        Assert.Equal([-5f, 7f], Decode(int8));

        var int64 = new TensorProto { Name = "i64", DataType = (int)OnnxDataType.Int64, Dims = { 2 }, Int64Data = { -9, 9 } };
        Assert.Equal([-9f, 9f], Decode(int64));

        var dbl = new TensorProto { Name = "d", DataType = (int)OnnxDataType.Double, Dims = { 1 }, DoubleData = { 0.25 } };
        Assert.Equal([0.25f], Decode(dbl));

        var uint32 = new TensorProto { Name = "u32", DataType = (int)OnnxDataType.UInt32, Dims = { 1 }, Uint64Data = { 4000000000 } };
        Assert.Equal([4e9f], Decode(uint32));
    }

    [Fact]
    public void ToFloats_ScalarHasOneElement()
    {
        var scalar = OnnxBuilder.Floats("s", [], [3f]);

        Assert.Equal([3f], Decode(scalar));
    }

    [Fact]
    public void ToFloats_EmptyTensorNeedsNoData()
    {
        Assert.Empty(Decode(new TensorProto { Name = "e", DataType = 1, Dims = { 0, 5 } }));
    }

    [Fact]
    public void ToInt64s_IsExactBeyondFloatPrecision()
    {
        var big = new TensorProto { Name = "big", DataType = (int)OnnxDataType.Int64, Dims = { 1 }, Int64Data = { (1L << 53) + 1 } };

        Assert.Equal([(1L << 53) + 1], TensorDecoder.ToInt64s(big, TensorDecoder.ReadHeader(big, s_source), s_source));
    }

    [Fact]
    public void ReadHeader_RejectsNegativeDimsNamingTheTensorAndAxis()
    {
        var tensor = new TensorProto { Name = "weights", DataType = 1, Dims = { 3, -2 } };

        var ex = Assert.Throws<InvalidModelException>(() => TensorDecoder.ReadHeader(tensor, s_source));
        Assert.Contains("'weights'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("-2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("axis 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadHeader_RejectsDimsWhoseProductOverflows()
    {
        var tensor = new TensorProto { Name = "w", DataType = 1, Dims = { long.MaxValue / 2, 4 } };

        var ex = Assert.Throws<ModelLimitExceededException>(() => TensorDecoder.ReadHeader(tensor, s_source));
        Assert.Contains("overflows", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadHeader_RejectsEnormousDimsBeforeAllocating()
    {
        var tensor = new TensorProto { Name = "w", DataType = 1, Dims = { 1_000_000, 1_000_000 } };

        var ex = Assert.Throws<ModelLimitExceededException>(() => TensorDecoder.ReadHeader(tensor, s_source));
        Assert.Contains("MaxTensorBytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("1,000,000,000,000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadHeader_HonoursAConfiguredTensorLimit()
    {
        var source = new ModelSource("m.onnx", null, new ModelLoadOptions { MaxTensorBytes = 16 });
        var tensor = OnnxBuilder.Floats("w", [5], [1, 2, 3, 4, 5]);

        Assert.Throws<ModelLimitExceededException>(() => TensorDecoder.ReadHeader(tensor, source));
    }

    [Theory]
    [InlineData(8, "STRING")]
    [InlineData(14, "COMPLEX64")]
    [InlineData(99, "data type 99")]
    public void ReadHeader_RejectsNonNumericAndUnknownTypesByName(int type, string name)
    {
        var tensor = new TensorProto { Name = "labels", DataType = type, Dims = { 1 } };

        var ex = Assert.Throws<UnsupportedModelException>(() => TensorDecoder.ReadHeader(tensor, s_source));
        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
        Assert.Contains("'labels'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadHeader_RejectsAMissingDataType()
    {
        Assert.Throws<InvalidModelException>(() => TensorDecoder.ReadHeader(new TensorProto { Name = "w", Dims = { 1 } }, s_source));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(9)]
    public void ToFloats_RejectsRawDataOfTheWrongLength(int bytes)
    {
        var tensor = OnnxBuilder.Raw("w", OnnxDataType.Float, [2], new byte[bytes]);

        var ex = Assert.Throws<InvalidModelException>(() => Decode(tensor));
        Assert.Contains($"raw_data holds {bytes} bytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("need 8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToFloats_RejectsATypedFieldWithTooFewValues()
    {
        var ex = Assert.Throws<InvalidModelException>(() => Decode(OnnxBuilder.FloatData("w", [3], [1, 2])));

        Assert.Contains("float_data holds 2 values", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToFloats_RejectsBothRawAndTypedValues()
    {
        var tensor = OnnxBuilder.FloatData("w", [1], [1]);
        tensor.RawData = ByteString.CopyFrom(new byte[4]);

        var ex = Assert.Throws<InvalidModelException>(() => Decode(tensor));
        Assert.Contains("both in raw_data and in a typed field", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToFloats_RejectsATensorWithNoValues()
    {
        var ex = Assert.Throws<InvalidModelException>(() => Decode(new TensorProto { Name = "w", DataType = 1, Dims = { 4 } }));

        Assert.Contains("has no values", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToFloats_RejectsValuesInTheWrongField()
    {
        var tensor = new TensorProto { Name = "w", DataType = (int)OnnxDataType.Float, Dims = { 1 }, Int64Data = { 1 } };

        var ex = Assert.Throws<InvalidModelException>(() => Decode(tensor));
        Assert.Contains("float_data", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToFloatTensor_KeepsTheDims()
    {
        var tensor = TensorDecoder.ToFloatTensor(OnnxBuilder.Floats("w", [2, 3], [1, 2, 3, 4, 5, 6]));

        Assert.Equal([2, 3], tensor.Lengths.ToArray());
        Assert.Equal(6f, tensor[1, 2]);
    }
}
