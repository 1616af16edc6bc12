using Interpretability.Onnx.Schema;

namespace Interpretability.Onnx;

/// <summary>
/// ONNX sparse tensors (a graph's sparse_initializer): <c>values</c> holds the NNZ non-zero
/// elements, <c>indices</c> (INT64) their positions, either linear <c>[NNZ]</c> or coordinates
/// <c>[NNZ, rank]</c>, and <c>dims</c> the dense shape.
/// </summary>
internal static class SparseTensors
{
    /// <summary>Checks shapes, types and the dense size against the limits, without expanding.</summary>
    public static void Validate(SparseTensorProto sparse, ModelSource source)
    {
        var name = sparse.Values.Name;
        var values = TensorDecoder.ReadHeader(sparse.Values, source);
        TensorDecoder.ValidateStorage(sparse.Values, values, source);
        var indices = TensorDecoder.ReadHeader(sparse.Indices, source);
        TensorDecoder.ValidateStorage(sparse.Indices, indices, source);
        if (values.Dims.Length != 1)
        {
            throw source.Invalid($"sparse initializer '{name}': values must be 1-D [NNZ], not {Shapes.Format(values.Dims)}.");
        }

        if (indices.Type != OnnxDataType.Int64)
        {
            throw source.Invalid($"sparse initializer '{name}': indices are {OnnxDataTypes.Name(indices.Type)}; ONNX requires INT64.");
        }

        var rank = sparse.Dims.Count;
        var linear = indices.Dims.Length == 1 && indices.Dims[0] == values.Count;
        var coordinates = indices.Dims.Length == 2 && indices.Dims[0] == values.Count && indices.Dims[1] == rank;
        if (!linear && !coordinates)
        {
            throw source.Invalid($"sparse initializer '{name}': indices {Shapes.Format(indices.Dims)} fit neither [{values.Count}] nor [{values.Count}, {rank}].");
        }

        // The dense tensor's size is checked like any stored tensor's.
        var dense = new TensorProto { Name = name, DataType = sparse.Values.DataType };
        dense.Dims.AddRange(sparse.Dims);
        _ = TensorDecoder.ReadHeader(dense, source);
    }

    /// <summary>Expands to a dense constant, checking every index against the dense shape.</summary>
    public static ConstValue Densify(SparseTensorProto sparse, ModelSource source)
    {
        Validate(sparse, source);
        var name = sparse.Values.Name;
        var dims = sparse.Dims.ToArray();
        var count = checked((int)dims.Aggregate(1L, (a, b) => a * b));
        var valuesHeader = TensorDecoder.ReadHeader(sparse.Values, source);
        var indices = TensorDecoder.ToInt64s(sparse.Indices, TensorDecoder.ReadHeader(sparse.Indices, source), source);
        var nonZero = (int)valuesHeader.Count;
        var coordinates = indices.Length != nonZero;
        long Position(int i)
        {
            if (!coordinates)
            {
                return indices[i];
            }

            long flat = 0;
            for (var axis = 0; axis < dims.Length; axis++)
            {
                var coordinate = indices[(i * dims.Length) + axis];
                if (coordinate < 0 || coordinate >= dims[axis])
                {
                    return -1;
                }

                flat = (flat * dims[axis]) + coordinate;
            }

            return flat;
        }

        var floating = OnnxDataTypes.IsFloatingPoint(valuesHeader.Type);
        var floats = floating ? TensorDecoder.ToFloats(sparse.Values, valuesHeader, source) : null;
        var ints = floating ? null : TensorDecoder.ToInt64s(sparse.Values, valuesHeader, source);
        var denseFloats = floating ? new float[count] : null;
        var denseInts = floating ? null : new long[count];
        for (var i = 0; i < nonZero; i++)
        {
            var position = Position(i);
            if (position < 0 || position >= count)
            {
                throw source.Invalid($"sparse initializer '{name}': index {i} points outside its dims {Shapes.Format(dims)}.");
            }

            if (denseFloats is not null)
            {
                denseFloats[position] = floats![i];
            }
            else
            {
                denseInts![position] = ints![i];
            }
        }

        return denseFloats is not null
            ? ConstValue.FromFloats(valuesHeader.Type, dims, denseFloats)
            : ConstValue.FromInts(valuesHeader.Type, dims, denseInts!);
    }
}
