using Interpretability.Onnx.Schema;

namespace Interpretability.Onnx;

/// <summary>
/// Computes constant values of the graph: initializers, and what Constant, Identity, Cast,
/// DequantizeLinear, Reshape, Transpose, Squeeze, Unsqueeze, Flatten, Concat and elementwise
/// Add/Sub/Mul/Div make of them. This is how <see cref="Layer.GetWeights"/> sees through the
/// nodes exporters put between a stored tensor and the layer that uses it.
/// </summary>
/// <remarks>Stateless apart from the graph: every call decodes afresh, so it is safe from many threads.</remarks>
internal sealed class ConstantFolder
{
    private const int MaxChain = 256;
    private readonly OnnxGraph _graph;

    public ConstantFolder(OnnxGraph graph) => _graph = graph;

    /// <summary>The model the constants belong to, for error messages.</summary>
    public ModelSource Source => _graph.Source;

    /// <summary>The value named <paramref name="name"/>, which must be of kind <see cref="ValueKind.Constant"/>.</summary>
    public ConstValue Evaluate(string name) => Evaluate(name, 0, new Dictionary<string, ConstValue>(StringComparer.Ordinal));

    /// <summary>The element type of a constant without computing it.</summary>
    public OnnxDataType TypeOf(string name) => TypeOf(name, 0);

    /// <summary>The dimensions of a constant, computed cheaply where possible.</summary>
    public long[] DimsOf(string name)
    {
        if (_graph.Initializers.TryGetValue(name, out var initializer))
        {
            return TensorDecoder.ReadHeader(initializer, Source).Dims;
        }

        if (_graph.SparseInitializers.TryGetValue(name, out var sparse))
        {
            return [.. sparse.Dims];
        }

        if (_graph.TryGetProducer(name, out var node) && node.OpType is "Identity" or "Cast" or "DequantizeLinear" && node.Input.Count > 0)
        {
            return DimsOf(node.Input[0]);
        }

        return Evaluate(name).Dims;
    }

    private OnnxDataType TypeOf(string name, int depth)
    {
        CheckDepth(name, depth);
        if (_graph.Initializers.TryGetValue(name, out var initializer))
        {
            return (OnnxDataType)initializer.DataType;
        }

        if (_graph.SparseInitializers.TryGetValue(name, out var sparse))
        {
            return (OnnxDataType)sparse.Values.DataType;
        }

        if (!_graph.TryGetProducer(name, out var node))
        {
            return OnnxDataType.Undefined;
        }

        return node.OpType switch
        {
            "Constant" => Attributes.Find(node, "value") is { T: { } t } ? (OnnxDataType)t.DataType
                : Attributes.Find(node, "value_float") is not null || Attributes.Find(node, "value_floats") is not null ? OnnxDataType.Float
                : OnnxDataType.Int64,
            "Cast" => (OnnxDataType)Attributes.GetInt(node, "to", 0, Source),
            "DequantizeLinear" => node.Input.Count > 1 ? TypeOf(node.Input[1], depth + 1) : OnnxDataType.Float,
            _ => node.Input.Count > 0 && node.Input[0].Length > 0 ? TypeOf(node.Input[0], depth + 1) : OnnxDataType.Undefined,
        };
    }

    private void CheckDepth(string name, int depth)
    {
        if (depth > MaxChain)
        {
            throw Source.Unsupported($"constant '{name}' is computed through more than {MaxChain} nodes; this library folds shorter chains only.");
        }
    }

    /// <summary>
    /// Computes a constant, each value at most once per call: <paramref name="done"/> remembers the
    /// values already computed, so a graph that reads a value twice (W1 = Add(W0, W0), W2 = Add(W1, W1),
    /// ...) costs one evaluation per node rather than two to the power of the chain's length.
    /// </summary>
    private ConstValue Evaluate(string name, int depth, Dictionary<string, ConstValue> done)
    {
        if (!done.TryGetValue(name, out var value))
        {
            value = Compute(name, depth, done);
            done[name] = value;
        }

        return value;
    }

    private ConstValue Compute(string name, int depth, Dictionary<string, ConstValue> done)
    {
        CheckDepth(name, depth);
        if (_graph.Initializers.TryGetValue(name, out var initializer))
        {
            return Decode(initializer);
        }

        if (_graph.SparseInitializers.TryGetValue(name, out var sparse))
        {
            return SparseTensors.Densify(sparse, Source);
        }

        if (!_graph.TryGetProducer(name, out var node))
        {
            throw Source.Invalid($"'{name}' is used as a constant but no initializer or node defines it.");
        }

        if (node.Domain is not ("" or "ai.onnx"))
        {
            throw Unsupported(node, name);
        }

        ConstValue Input(int index) => index < node.Input.Count && node.Input[index].Length > 0
            ? Evaluate(node.Input[index], depth + 1, done)
            : throw Source.Invalid($"node {Attributes.NodeLabel(node)} has no input #{index}.");
        bool HasInput(int index) => index < node.Input.Count && node.Input[index].Length > 0;

        return node.OpType switch
        {
            "Constant" => ConstantNode(node),
            "Identity" => Input(0),
            "Cast" => Cast(node, Input(0)),
            "DequantizeLinear" => Dequantize(node, Input(0), Input(1), HasInput(2) ? Input(2) : null),
            "Reshape" => Reshape(node, Input(0), HasInput(1) ? Input(1).Ints ?? throw Source.Invalid($"node {Attributes.NodeLabel(node)}: shape must be INT64.") : Attributes.GetInts(node, "shape", -1, Source)),
            "Transpose" => Transpose(node, Input(0)),
            "Squeeze" => Squeeze(node, Input(0), HasInput(1) ? Input(1).Ints : Attributes.GetInts(node, "axes", -1, Source)),
            "Unsqueeze" => Unsqueeze(node, Input(0), HasInput(1) ? Input(1).Ints : Attributes.GetInts(node, "axes", -1, Source)),
            "Flatten" => Flatten(node, Input(0)),
            "Concat" => Concat(node, [.. node.Input.Where(i => i.Length > 0).Select(i => Evaluate(i, depth + 1, done))]),
            "Add" or "Sub" or "Mul" or "Div" => Elementwise(node, Input(0), Input(1)),
            _ => throw Unsupported(node, name),
        };
    }

    /// <summary>
    /// Checks that a constant a node computes (larger than its inputs: Concat, broadcasting
    /// arithmetic) stays within <see cref="ModelLoadOptions.MaxTensorBytes"/> as floats, before it is
    /// allocated. Returns its element count.
    /// </summary>
    private int CheckSize(NodeProto node, long[] dims)
    {
        var count = dims.Contains(0) ? 0 : Shapes.NonEmptyProduct(dims);
        var limit = Source.Options.MaxTensorBytes;
        if (count > Math.Min(limit / sizeof(float), Array.MaxLength) || Shapes.NonEmptyProduct(dims) > Array.MaxLength)
        {
            throw Source.Limit($"node {Attributes.NodeLabel(node)} computes a constant of dims {Shapes.Format(dims)}, beyond the limit of {limit:N0} bytes as float (ModelLoadOptions.MaxTensorBytes).");
        }

        return (int)count;
    }

    private UnsupportedModelException Unsupported(NodeProto node, string name) =>
        Source.Unsupported($"constant '{name}' is computed by node {Attributes.NodeLabel(node)}, an operator this library does not fold (it folds Constant, Identity, Cast, DequantizeLinear, Reshape, Transpose, Squeeze, Unsqueeze, Flatten, Concat, Add, Sub, Mul, Div).");

    private ConstValue Decode(TensorProto tensor)
    {
        var header = TensorDecoder.ReadHeader(tensor, Source);
        var dims = header.Dims;
        return OnnxDataTypes.IsFloatingPoint(header.Type)
            ? ConstValue.FromFloats(header.Type, dims, TensorDecoder.ToFloats(tensor, header, Source))
            : ConstValue.FromInts(header.Type, dims, TensorDecoder.ToInt64s(tensor, header, Source));
    }

    private ConstValue ConstantNode(NodeProto node)
    {
        foreach (var attribute in node.Attribute)
        {
            switch (attribute.Name)
            {
                case "value" when attribute.T is { } tensor:
                    return Decode(tensor);
                case "value_float":
                    return ConstValue.FromFloats(OnnxDataType.Float, [], [attribute.F]);
                case "value_floats":
                    return ConstValue.FromFloats(OnnxDataType.Float, [attribute.Floats.Count], [.. attribute.Floats]);
                case "value_int":
                    return ConstValue.FromInts(OnnxDataType.Int64, [], [attribute.I]);
                case "value_ints":
                    return ConstValue.FromInts(OnnxDataType.Int64, [attribute.Ints.Count], [.. attribute.Ints]);
                case "sparse_value" or "value_string" or "value_strings":
                    throw Source.Unsupported($"node {Attributes.NodeLabel(node)}: Constant with '{attribute.Name}' is not supported.");
            }
        }

        throw Source.Invalid($"node {Attributes.NodeLabel(node)}: Constant has no value attribute.");
    }

    private ConstValue Cast(NodeProto node, ConstValue input)
    {
        var to = (OnnxDataType)Attributes.GetInt(node, "to", 0, Source);
        switch (to)
        {
            case OnnxDataType.Float or OnnxDataType.Double:
                return ConstValue.FromFloats(to, input.Dims, input.AsFloats());
            case OnnxDataType.Float16:
                return ConstValue.FromFloats(to, input.Dims, Array.ConvertAll(input.AsFloats(), static v => (float)(Half)v));
            case OnnxDataType.BFloat16:
                return ConstValue.FromFloats(to, input.Dims, Array.ConvertAll(input.AsFloats(), RoundToBFloat16));
            case OnnxDataType.Bool:
                return ConstValue.FromInts(to, input.Dims, input.Floats is { } f ? Array.ConvertAll(f, static v => v != 0 ? 1L : 0L) : Array.ConvertAll(input.Ints!, static v => v != 0 ? 1L : 0L));
            case OnnxDataType.Int8 or OnnxDataType.UInt8 or OnnxDataType.Int16 or OnnxDataType.UInt16 or OnnxDataType.Int32
                or OnnxDataType.UInt32 or OnnxDataType.Int64 or OnnxDataType.UInt64:
                // Floating point to integer truncates toward zero, as ONNX Runtime does.
                return ConstValue.FromInts(to, input.Dims, input.Ints ?? Array.ConvertAll(input.Floats!, static v => (long)MathF.Truncate(v)));
            default:
                throw Source.Unsupported($"node {Attributes.NodeLabel(node)}: Cast to {OnnxDataTypes.Name((int)to)} is not folded.");
        }
    }

    private static float RoundToBFloat16(float value)
    {
        if (float.IsNaN(value))
        {
            return value;
        }

        var bits = BitConverter.SingleToUInt32Bits(value);
        bits += 0x7FFF + ((bits >> 16) & 1); // round to nearest, ties to even
        return BitConverter.UInt32BitsToSingle(bits & 0xFFFF0000);
    }

    private ConstValue Dequantize(NodeProto node, ConstValue x, ConstValue scale, ConstValue? zeroPoint)
    {
        var rank = x.Dims.Length;
        var axis = Attributes.GetInt(node, "axis", 1, Source);
        var blockSize = Attributes.GetInt(node, "block_size", 0, Source);
        if (zeroPoint is not null && !zeroPoint.Dims.SequenceEqual(scale.Dims))
        {
            throw Source.Invalid($"node {Attributes.NodeLabel(node)}: x_zero_point has dims {Shapes.Format(zeroPoint.Dims)} but x_scale has {Shapes.Format(scale.Dims)}.");
        }

        var scales = scale.AsFloats();
        var result = new float[x.Count];
        Func<int, int> scaleIndex;
        if (scales.Length == 1 && blockSize == 0)
        {
            scaleIndex = static _ => 0;
        }
        else
        {
            if (axis < 0)
            {
                axis += rank;
            }

            if (axis < 0 || axis >= rank)
            {
                throw Source.Invalid($"node {Attributes.NodeLabel(node)}: axis {Attributes.GetInt(node, "axis", 1, Source)} is outside x's rank {rank}.");
            }

            var inner = 1L;
            for (var i = (int)axis + 1; i < rank; i++)
            {
                inner *= x.Dims[i];
            }

            var axisLength = x.Dims[axis];
            if (blockSize == 0)
            {
                if (scale.Dims.Length != 1 || scale.Dims[0] != axisLength)
                {
                    throw Source.Invalid($"node {Attributes.NodeLabel(node)}: per-axis x_scale has dims {Shapes.Format(scale.Dims)}; [{axisLength}] was expected for axis {axis} of x {Shapes.Format(x.Dims)}.");
                }

                scaleIndex = i => (int)(i / inner % axisLength);
            }
            else
            {
                // Blocked quantization (opset 21): scale has x's dims except along axis, where it has ceil(length / block_size).
                var blocks = (axisLength + blockSize - 1) / blockSize;
                if (blockSize < 0 || scale.Dims.Length != rank || scale.Dims[axis] != blocks
                    || Enumerable.Range(0, rank).Any(d => d != axis && scale.Dims[d] != x.Dims[d]))
                {
                    throw Source.Invalid($"node {Attributes.NodeLabel(node)}: blocked x_scale has dims {Shapes.Format(scale.Dims)}, which does not fit x {Shapes.Format(x.Dims)} with block_size {blockSize} on axis {axis}.");
                }

                var outer = inner * axisLength;
                scaleIndex = i =>
                {
                    var o = i / outer;
                    var a = i / inner % axisLength;
                    var n = i % inner;
                    return (int)((((o * blocks) + (a / blockSize)) * inner) + n);
                };
            }
        }

        var xf = x.AsFloats();
        for (var i = 0; i < result.Length; i++)
        {
            var s = scaleIndex(i);
            var zero = zeroPoint is null ? 0f : (float)zeroPoint[s];
            result[i] = (xf[i] - zero) * scales[s];
        }

        return ConstValue.FromFloats(scale.Type == OnnxDataType.Undefined ? OnnxDataType.Float : scale.Type, x.Dims, result);
    }

    private ConstValue Reshape(NodeProto node, ConstValue data, long[]? shape)
    {
        if (shape is null)
        {
            throw Source.Invalid($"node {Attributes.NodeLabel(node)}: Reshape has no shape.");
        }

        var allowZero = Attributes.GetInt(node, "allowzero", 0, Source) != 0;
        var dims = new long[shape.Length];
        var inferred = -1;
        long known = 1;
        for (var i = 0; i < shape.Length; i++)
        {
            var d = shape[i];
            if (d == 0 && !allowZero)
            {
                d = i < data.Dims.Length ? data.Dims[i] : throw Source.Invalid($"node {Attributes.NodeLabel(node)}: shape {Shapes.Format(shape)} copies axis {i}, which data {Shapes.Format(data.Dims)} lacks.");
            }

            if (d == -1)
            {
                if (inferred >= 0)
                {
                    throw Source.Invalid($"node {Attributes.NodeLabel(node)}: shape {Shapes.Format(shape)} has more than one -1.");
                }

                inferred = i;
                continue;
            }

            if (d < 0)
            {
                throw Source.Invalid($"node {Attributes.NodeLabel(node)}: shape {Shapes.Format(shape)} has the invalid dimension {d}.");
            }

            dims[i] = d;
            known = Shapes.NonEmptyProduct([known, d]); // saturates: [2^62 + 1, 4] must not wrap around to 4
            known = d == 0 ? 0 : known;
        }

        if (inferred >= 0)
        {
            dims[inferred] = known == 0 ? 0 : data.Count / known;
            known *= dims[inferred];
        }

        if (known != data.Count)
        {
            throw Source.Invalid($"node {Attributes.NodeLabel(node)}: cannot reshape {data.Count} elements {Shapes.Format(data.Dims)} to {Shapes.Format(shape)}.");
        }

        CheckSize(node, dims);
        return data.WithDims(dims);
    }

    private ConstValue Transpose(NodeProto node, ConstValue data)
    {
        var rank = data.Dims.Length;
        var perm = Attributes.GetInts(node, "perm", rank, Source) ?? [.. Enumerable.Range(0, rank).Reverse().Select(i => (long)i)];
        if (!perm.Order().SequenceEqual(Enumerable.Range(0, rank).Select(i => (long)i)))
        {
            throw Source.Invalid($"node {Attributes.NodeLabel(node)}: perm {Shapes.Format(perm)} is not a permutation of the {rank} axes.");
        }

        var dims = perm.Select(p => data.Dims[p]).ToArray();
        var inputStrides = Strides(data.Dims);
        var outputStrides = Strides(dims);
        return data.Like(dims, i =>
        {
            long offset = 0;
            long rest = i;
            for (var axis = 0; axis < rank; axis++)
            {
                var coordinate = rest / outputStrides[axis];
                rest %= outputStrides[axis];
                offset += coordinate * inputStrides[perm[axis]];
            }

            return (int)offset;
        }, data.Count);
    }

    private static long[] Strides(long[] dims)
    {
        var strides = new long[dims.Length];
        long stride = 1;
        for (var i = dims.Length - 1; i >= 0; i--)
        {
            strides[i] = stride;
            stride *= Math.Max(1, dims[i]);
        }

        return strides;
    }

    private ConstValue Squeeze(NodeProto node, ConstValue data, long[]? axes)
    {
        var rank = data.Dims.Length;
        var drop = axes is null
            ? Enumerable.Range(0, rank).Where(i => data.Dims[i] == 1).ToHashSet()
            : axes.Select(a => (int)(a < 0 ? a + rank : a)).ToHashSet();
        if (drop.Any(a => a < 0 || a >= rank || data.Dims[a] != 1))
        {
            throw Source.Invalid($"node {Attributes.NodeLabel(node)}: cannot squeeze axes {Shapes.Format(axes ?? [])} of {Shapes.Format(data.Dims)}.");
        }

        return data.WithDims([.. Enumerable.Range(0, rank).Where(i => !drop.Contains(i)).Select(i => data.Dims[i])]);
    }

    private ConstValue Unsqueeze(NodeProto node, ConstValue data, long[]? axes)
    {
        if (axes is null)
        {
            throw Source.Invalid($"node {Attributes.NodeLabel(node)}: Unsqueeze has no axes.");
        }

        var rank = data.Dims.Length + axes.Length;
        var insert = axes.Select(a => (int)(a < 0 ? a + rank : a)).ToHashSet();
        if (insert.Count != axes.Length || insert.Any(a => a < 0 || a >= rank))
        {
            throw Source.Invalid($"node {Attributes.NodeLabel(node)}: cannot unsqueeze {Shapes.Format(data.Dims)} at axes {Shapes.Format(axes)}.");
        }

        var dims = new long[rank];
        var source = 0;
        for (var i = 0; i < rank; i++)
        {
            dims[i] = insert.Contains(i) ? 1 : data.Dims[source++];
        }

        return data.WithDims(dims);
    }

    private ConstValue Flatten(NodeProto node, ConstValue data)
    {
        var rank = data.Dims.Length;
        var axis = Attributes.GetInt(node, "axis", 1, Source);
        if (axis < 0)
        {
            axis += rank;
        }

        if (axis < 0 || axis > rank)
        {
            throw Source.Invalid($"node {Attributes.NodeLabel(node)}: Flatten axis is outside rank {rank}.");
        }

        long outer = 1;
        for (var i = 0; i < axis; i++)
        {
            outer *= data.Dims[i];
        }

        return data.WithDims([outer, outer == 0 ? 0 : data.Count / outer]);
    }

    private ConstValue Concat(NodeProto node, ConstValue[] parts)
    {
        if (parts.Length == 0)
        {
            throw Source.Invalid($"node {Attributes.NodeLabel(node)}: Concat has no inputs.");
        }

        var rank = parts[0].Dims.Length;
        var axis = Attributes.GetInt(node, "axis", 0, Source);
        if (axis < 0)
        {
            axis += rank;
        }

        if (axis < 0 || axis >= rank || parts.Any(p => p.Dims.Length != rank
            || Enumerable.Range(0, rank).Any(d => d != axis && p.Dims[d] != parts[0].Dims[d])))
        {
            throw Source.Invalid($"node {Attributes.NodeLabel(node)}: inputs {string.Join(", ", parts.Select(p => Shapes.Format(p.Dims)))} cannot be concatenated on axis {axis}.");
        }

        var dims = (long[])parts[0].Dims.Clone();
        dims[axis] = parts.Aggregate(0L, (sum, p) => sum > long.MaxValue - p.Dims[axis] ? long.MaxValue : sum + p.Dims[axis]);
        CheckSize(node, dims);
        long inner = 1;
        for (var i = (int)axis + 1; i < rank; i++)
        {
            inner *= dims[i];
        }

        long outer = 1;
        for (var i = 0; i < axis; i++)
        {
            outer *= dims[i];
        }

        var anyFloat = parts.Any(p => p.Floats is not null);
        var floats = anyFloat ? new List<float>() : null;
        var ints = anyFloat ? null : new List<long>();
        for (long o = 0; o < outer; o++)
        {
            foreach (var part in parts)
            {
                var chunk = (int)(part.Dims[axis] * inner);
                var start = (int)(o * chunk);
                if (floats is not null)
                {
                    floats.AddRange(part.AsFloats().AsSpan(start, chunk));
                }
                else
                {
                    ints!.AddRange(part.Ints!.AsSpan(start, chunk));
                }
            }
        }

        return floats is not null
            ? ConstValue.FromFloats(parts.First(p => p.Floats is not null).Type, dims, [.. floats])
            : ConstValue.FromInts(parts[0].Type, dims, [.. ints!]);
    }

    private ConstValue Elementwise(NodeProto node, ConstValue a, ConstValue b)
    {
        var rank = Math.Max(a.Dims.Length, b.Dims.Length);
        var dims = new long[rank];
        for (var i = 0; i < rank; i++)
        {
            var da = i - (rank - a.Dims.Length) is var ia and >= 0 ? a.Dims[ia] : 1;
            var db = i - (rank - b.Dims.Length) is var ib and >= 0 ? b.Dims[ib] : 1;
            if (da != db && da != 1 && db != 1)
            {
                throw Source.Invalid($"node {Attributes.NodeLabel(node)}: {Shapes.Format(a.Dims)} and {Shapes.Format(b.Dims)} do not broadcast.");
            }

            dims[i] = da == 1 ? db : da;
        }

        var count = CheckSize(node, dims);
        var outStrides = Strides(dims);
        int Index(ConstValue v, int flat)
        {
            var offset = 0L;
            var vStrides = Strides(v.Dims);
            var shift = rank - v.Dims.Length;
            for (var axis = shift; axis < rank; axis++)
            {
                var coordinate = flat / outStrides[axis] % dims[axis];
                if (v.Dims[axis - shift] != 1)
                {
                    offset += coordinate * vStrides[axis - shift];
                }
            }

            return (int)offset;
        }

        if (a.Floats is not null || b.Floats is not null)
        {
            var af = a.AsFloats();
            var bf = b.AsFloats();
            var result = new float[count];
            for (var i = 0; i < count; i++)
            {
                var x = af[Index(a, i)];
                var y = bf[Index(b, i)];
                result[i] = node.OpType switch { "Add" => x + y, "Sub" => x - y, "Mul" => x * y, _ => x / y };
            }

            return ConstValue.FromFloats(a.Floats is not null ? a.Type : b.Type, dims, result);
        }

        var ints = new long[count];
        for (var i = 0; i < count; i++)
        {
            var x = a.Ints![Index(a, i)];
            var y = b.Ints![Index(b, i)];
            ints[i] = node.OpType switch
            {
                "Add" => x + y,
                "Sub" => x - y,
                "Mul" => x * y,
                _ => y == 0 ? throw Source.Invalid($"node {Attributes.NodeLabel(node)}: integer division by zero.") : x / y,
            };
        }

        return ConstValue.FromInts(a.Type, dims, ints);
    }
}
