using System.Buffers;
using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Interpretability.Onnx.Schema;

namespace Interpretability.Onnx;

/// <summary>
/// Turns ONNX <see cref="TensorProto"/> values into numbers. Every size is checked against the
/// stored data and the configured limits before anything is allocated.
/// </summary>
/// <remarks>
/// Storage rules (ONNX IR): exactly one of <c>raw_data</c> (little-endian, fixed width; 4-bit types
/// packed two per byte, low nibble first), the typed field for the type, or external data.
/// Typed fields: FLOAT in float_data; INT32, INT16, INT8, UINT16, UINT8, BOOL, and the bit patterns
/// of FLOAT16, BFLOAT16 and the FLOAT8 types in int32_data (4-bit types: one packed byte per
/// int32); INT64 in int64_data; DOUBLE in double_data; UINT32 and UINT64 in uint64_data.
/// </remarks>
internal static class TensorDecoder
{
    private const int DataLocationExternal = 1;

    /// <summary>Decodes a self-contained tensor (no external data) with the default limits.</summary>
    public static Tensor<float> ToFloatTensor(TensorProto tensor)
    {
        var source = new ModelSource("tensor", null, ModelLoadOptions.Default);
        var header = ReadHeader(tensor, source);
        return Tensor.Create(ToFloats(tensor, header, source), Shapes.ToLengths(header.Dims));
    }

    /// <summary>Reads and checks the name, type and dimensions, and the element count against the limits.</summary>
    public static TensorHeader ReadHeader(TensorProto tensor, ModelSource source)
    {
        var name = tensor.Name;
        if (!tensor.HasDataType || tensor.DataType == 0)
        {
            throw source.Invalid($"tensor '{name}' has no data_type.");
        }

        var type = (OnnxDataType)tensor.DataType;
        if (!Enum.IsDefined(type) || !OnnxDataTypes.IsNumeric(type))
        {
            throw source.Unsupported($"tensor '{name}' has element type {OnnxDataTypes.Name(tensor.DataType)}, which is not a numeric type this library reads (FLOAT, FLOAT16, BFLOAT16, DOUBLE, FLOAT8*, INT4 to INT64, UINT4 to UINT64, BOOL).");
        }

        var dims = new long[tensor.Dims.Count];
        long count = 1;
        var overflow = false;
        for (var i = 0; i < dims.Length; i++)
        {
            var dim = tensor.Dims[i];
            if (dim < 0)
            {
                throw source.Invalid($"tensor '{name}' has a negative dimension {dim} at axis {i} (dims {Shapes.Format(tensor.Dims.ToArray())}).");
            }

            dims[i] = dim;
            if (!overflow)
            {
                overflow = dim != 0 && count > long.MaxValue / dim;
                count = overflow ? 0 : count * dim;
            }
        }

        if (overflow && !dims.Contains(0))
        {
            throw source.Limit($"tensor '{name}' has dims {Shapes.Format(dims)} whose element count overflows a 64-bit integer.");
        }

        if (overflow)
        {
            count = 0;
        }

        var header = new TensorHeader(name, type, dims, count);
        CheckLimits(header, source);
        return header;
    }

    /// <summary>
    /// Checks that the tensor stores exactly the data its header needs (in the right field, of the
    /// right length), without reading external files.
    /// </summary>
    public static void ValidateStorage(TensorProto tensor, TensorHeader header, ModelSource source)
    {
        if (tensor.HasDataLocation && tensor.DataLocation == DataLocationExternal)
        {
            if (tensor.HasRawData || TypedFieldCount(tensor) > 0)
            {
                throw source.Invalid($"tensor {header.Describe()} is marked as external data but also stores values in the model file; ONNX allows only one.");
            }

            ExternalData.Describe(tensor, header, source);
            return;
        }

        if (tensor.HasDataLocation && tensor.DataLocation != 0)
        {
            throw source.Invalid($"tensor {header.Describe()} has data_location {tensor.DataLocation}; ONNX defines 0 (DEFAULT) and 1 (EXTERNAL).");
        }

        _ = TypedStorage(tensor, header, source);
    }

    /// <summary>Decodes the values as floats (exact for every type except large 32/64-bit integers and doubles, which round to nearest).</summary>
    public static float[] ToFloats(TensorProto tensor, TensorHeader header, ModelSource source)
    {
        var count = checked((int)header.Count);
        var values = GC.AllocateUninitializedArray<float>(count);
        if (count == 0)
        {
            ValidateStorage(tensor, header, source);
            return values;
        }

        if (tensor.HasDataLocation && tensor.DataLocation == DataLocationExternal)
        {
            ValidateStorage(tensor, header, source);
            var byteCount = OnnxDataTypes.RawByteCount(header.Type, header.Count);
            if (header.Type == OnnxDataType.Float && BitConverter.IsLittleEndian)
            {
                ExternalData.Read(tensor, header, source, MemoryMarshal.AsBytes(values.AsSpan()));
                return values;
            }

            var rented = ArrayPool<byte>.Shared.Rent(checked((int)byteCount));
            try
            {
                var bytes = rented.AsSpan(0, (int)byteCount);
                ExternalData.Read(tensor, header, source, bytes);
                ConvertRaw(bytes, header.Type, values);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }

            return values;
        }

        switch (TypedStorage(tensor, header, source))
        {
            case Storage.Raw:
                ConvertRaw(tensor.RawData.Span, header.Type, values);
                break;
            case Storage.FloatData:
                tensor.FloatData.CopyTo(values, 0);
                break;
            case Storage.DoubleData:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = (float)tensor.DoubleData[i];
                }

                break;
            case Storage.Int64Data:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = tensor.Int64Data[i];
                }

                break;
            case Storage.UInt64Data:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = tensor.Uint64Data[i];
                }

                break;
            case Storage.Int32Data:
                ConvertInt32Data(tensor, header, values);
                break;
        }

        return values;
    }

    /// <summary>Decodes an integer-typed tensor (shapes, axes, zero points, quantized values) exactly as 64-bit integers.</summary>
    public static long[] ToInt64s(TensorProto tensor, TensorHeader header, ModelSource source)
    {
        if (OnnxDataTypes.IsFloatingPoint(header.Type))
        {
            throw source.Invalid($"tensor {header.Describe()} was expected to hold integers.");
        }

        var result = new long[checked((int)header.Count)];
        if (result.Length == 0)
        {
            ValidateStorage(tensor, header, source);
            return result;
        }

        if (tensor.HasDataLocation && tensor.DataLocation == DataLocationExternal)
        {
            ValidateStorage(tensor, header, source);
            var bytes = new byte[OnnxDataTypes.RawByteCount(header.Type, header.Count)];
            ExternalData.Read(tensor, header, source, bytes);
            ReadRawIntegers(bytes, header, source, result);
            return result;
        }

        switch (TypedStorage(tensor, header, source))
        {
            case Storage.Raw:
                ReadRawIntegers(tensor.RawData.Span, header, source, result);
                break;
            case Storage.Int64Data:
                tensor.Int64Data.CopyTo(result, 0);
                break;
            case Storage.UInt64Data:
                for (var i = 0; i < result.Length; i++)
                {
                    result[i] = Unsigned(tensor.Uint64Data[i], header, source);
                }

                break;
            default:
                for (var i = 0; i < result.Length; i++)
                {
                    result[i] = header.Type switch
                    {
                        OnnxDataType.Int4 or OnnxDataType.UInt4 => (long)Nibble((byte)tensor.Int32Data[i / 2], i, header.Type == OnnxDataType.Int4),
                        OnnxDataType.Bool => tensor.Int32Data[i] != 0 ? 1 : 0,
                        _ => tensor.Int32Data[i],
                    };
                }

                break;
        }

        return result;
    }

    private static long Unsigned(ulong value, TensorHeader header, ModelSource source) =>
        value <= long.MaxValue ? (long)value : throw source.Invalid($"tensor {header.Describe()} holds {value}, beyond the signed 64-bit range this library uses for integers.");

    private static void ReadRawIntegers(ReadOnlySpan<byte> bytes, TensorHeader header, ModelSource source, long[] result)
    {
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = header.Type switch
            {
                OnnxDataType.UInt8 => bytes[i],
                OnnxDataType.Int8 => (sbyte)bytes[i],
                OnnxDataType.Bool => bytes[i] != 0 ? 1 : 0,
                OnnxDataType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(bytes[(i * 2)..]),
                OnnxDataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(bytes[(i * 2)..]),
                OnnxDataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(bytes[(i * 4)..]),
                OnnxDataType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(bytes[(i * 4)..]),
                OnnxDataType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(bytes[(i * 8)..]),
                OnnxDataType.UInt64 => Unsigned(BinaryPrimitives.ReadUInt64LittleEndian(bytes[(i * 8)..]), header, source),
                _ => (long)Nibble(bytes[i / 2], i, header.Type == OnnxDataType.Int4),
            };
        }
    }

    private static void CheckLimits(TensorHeader header, ModelSource source)
    {
        var limit = source.Options.MaxTensorBytes;
        long stored;
        long asFloat;
        try
        {
            stored = OnnxDataTypes.RawByteCount(header.Type, header.Count);
            asFloat = checked(header.Count * sizeof(float));
        }
        catch (OverflowException)
        {
            throw source.Limit($"tensor {header.Describe()} would need more than 2^63 bytes.");
        }

        if (stored > limit || asFloat > limit)
        {
            throw source.Limit($"tensor {header.Describe()} holds {header.Count:N0} elements ({Math.Max(stored, asFloat):N0} bytes as stored or as float), beyond the limit of {limit:N0} bytes (ModelLoadOptions.MaxTensorBytes).");
        }

        if (header.Count > Array.MaxLength)
        {
            throw source.Limit($"tensor {header.Describe()} holds {header.Count:N0} elements; a .NET array holds at most {Array.MaxLength:N0}.");
        }
    }

    private enum Storage
    {
        Raw,
        FloatData,
        Int32Data,
        Int64Data,
        DoubleData,
        UInt64Data,
    }

    private static int TypedFieldCount(TensorProto tensor) =>
        (tensor.FloatData.Count > 0 ? 1 : 0) + (tensor.Int32Data.Count > 0 ? 1 : 0) + (tensor.Int64Data.Count > 0 ? 1 : 0)
        + (tensor.DoubleData.Count > 0 ? 1 : 0) + (tensor.Uint64Data.Count > 0 ? 1 : 0) + (tensor.StringData.Count > 0 ? 1 : 0);

    /// <summary>Finds where an in-file tensor keeps its values and checks the count matches its dims.</summary>
    private static Storage TypedStorage(TensorProto tensor, TensorHeader header, ModelSource source)
    {
        var typedFields = TypedFieldCount(tensor);
        if (tensor.HasRawData)
        {
            if (typedFields > 0)
            {
                throw source.Invalid($"tensor {header.Describe()} stores values both in raw_data and in a typed field; ONNX allows only one.");
            }

            var expected = OnnxDataTypes.RawByteCount(header.Type, header.Count);
            if (tensor.RawData.Length != expected)
            {
                throw source.Invalid($"tensor {header.Describe()}: raw_data holds {tensor.RawData.Length:N0} bytes but {header.Count:N0} elements of {OnnxDataTypes.Name(header.Type)} need {expected:N0}.");
            }

            return Storage.Raw;
        }

        if (typedFields > 1)
        {
            throw source.Invalid($"tensor {header.Describe()} stores values in more than one typed field; ONNX allows only one.");
        }

        var (storage, field, actual, expectedCount) = header.Type switch
        {
            OnnxDataType.Float => (Storage.FloatData, "float_data", tensor.FloatData.Count, header.Count),
            OnnxDataType.Double => (Storage.DoubleData, "double_data", tensor.DoubleData.Count, header.Count),
            OnnxDataType.Int64 => (Storage.Int64Data, "int64_data", tensor.Int64Data.Count, header.Count),
            OnnxDataType.UInt32 or OnnxDataType.UInt64 => (Storage.UInt64Data, "uint64_data", tensor.Uint64Data.Count, header.Count),
            OnnxDataType.Int4 or OnnxDataType.UInt4 => (Storage.Int32Data, "int32_data", tensor.Int32Data.Count, (header.Count + 1) / 2),
            _ => (Storage.Int32Data, "int32_data", tensor.Int32Data.Count, header.Count),
        };

        if (actual == expectedCount)
        {
            return storage;
        }

        if (actual == 0 && typedFields > 0)
        {
            throw source.Invalid($"tensor {header.Describe()} stores its values in a field other than {field}, where ONNX puts {OnnxDataTypes.Name(header.Type)} values.");
        }

        if (actual == 0)
        {
            throw source.Invalid($"tensor {header.Describe()} has no values: neither raw_data, {field} nor external data, but its dims need {header.Count:N0} elements.");
        }

        throw source.Invalid($"tensor {header.Describe()}: {field} holds {actual:N0} values but its dims need {expectedCount:N0}.");
    }

    private static void ConvertInt32Data(TensorProto tensor, TensorHeader header, float[] values)
    {
        var data = tensor.Int32Data;
        switch (header.Type)
        {
            case OnnxDataType.Float16:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = (float)BitConverter.UInt16BitsToHalf((ushort)data[i]);
                }

                break;
            case OnnxDataType.BFloat16:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = BitConverter.Int32BitsToSingle((data[i] & 0xFFFF) << 16);
                }

                break;
            case OnnxDataType.Float8E4M3FN or OnnxDataType.Float8E4M3FNUZ or OnnxDataType.Float8E5M2 or OnnxDataType.Float8E5M2FNUZ:
                var table = Float8.Table(header.Type);
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = table[data[i] & 0xFF];
                }

                break;
            case OnnxDataType.Int4 or OnnxDataType.UInt4:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = Nibble((byte)data[i / 2], i, header.Type == OnnxDataType.Int4);
                }

                break;
            case OnnxDataType.Bool:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = data[i] != 0 ? 1f : 0f;
                }

                break;
            default:
                // INT32, INT16, INT8, UINT16, UINT8: the values themselves.
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = data[i];
                }

                break;
        }
    }

    private static float Nibble(byte packed, int index, bool signed)
    {
        var nibble = (index & 1) == 0 ? packed & 0x0F : packed >> 4;
        return signed && nibble >= 8 ? nibble - 16 : nibble;
    }

    /// <summary>Converts little-endian stored bytes (exactly the right length) into floats.</summary>
    internal static void ConvertRaw(ReadOnlySpan<byte> bytes, OnnxDataType type, Span<float> values)
    {
        switch (type)
        {
            case OnnxDataType.Float:
                if (BitConverter.IsLittleEndian)
                {
                    MemoryMarshal.Cast<byte, float>(bytes).CopyTo(values);
                }
                else
                {
                    for (var i = 0; i < values.Length; i++)
                    {
                        values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
                    }
                }

                break;
            case OnnxDataType.Float16:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(i * 2)..]);
                }

                break;
            case OnnxDataType.BFloat16:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(i * 2)..]) << 16);
                }

                break;
            case OnnxDataType.Double:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(i * 8)..]);
                }

                break;
            case OnnxDataType.UInt8:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = bytes[i];
                }

                break;
            case OnnxDataType.Int8:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = (sbyte)bytes[i];
                }

                break;
            case OnnxDataType.Bool:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = bytes[i] != 0 ? 1f : 0f;
                }

                break;
            case OnnxDataType.UInt16:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(i * 2)..]);
                }

                break;
            case OnnxDataType.Int16:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes[(i * 2)..]);
                }

                break;
            case OnnxDataType.Int32:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(i * 4)..]);
                }

                break;
            case OnnxDataType.UInt32:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(i * 4)..]);
                }

                break;
            case OnnxDataType.Int64:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes[(i * 8)..]);
                }

                break;
            case OnnxDataType.UInt64:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes[(i * 8)..]);
                }

                break;
            case OnnxDataType.Float8E4M3FN or OnnxDataType.Float8E4M3FNUZ or OnnxDataType.Float8E5M2 or OnnxDataType.Float8E5M2FNUZ:
                var table = Float8.Table(type);
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = table[bytes[i]];
                }

                break;
            case OnnxDataType.Int4 or OnnxDataType.UInt4:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = Nibble(bytes[i / 2], i, type == OnnxDataType.Int4);
                }

                break;
            default:
                throw new System.Diagnostics.UnreachableException($"ReadHeader admits only numeric types, not {type}.");
        }
    }
}
