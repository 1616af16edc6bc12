using Interpretability.Onnx.Schema;

namespace Interpretability.Onnx;

/// <summary>One dimension: a known size, or unknown with an optional symbolic name ("batch").</summary>
internal readonly record struct Dim(long? Value, string? Symbol = null)
{
    public static Dim Unknown { get; } = new(null);

    public static implicit operator Dim(long value) => new(value);

    public override string ToString() => Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Symbol ?? "?";
}

/// <summary>
/// Infers the shapes of values from the model's declared input shapes, for the operators CNNs are
/// made of (convolutions, pooling, dense, activations, reshapes, concatenation, ...), falling back
/// to the shapes the file declares in value_info. Also tracks the values of small integer tensors
/// computed by shape arithmetic (Shape, Gather, Concat, ...) so reshapes that use them resolve.
/// Unknown is a normal answer; nothing here throws for an operator it does not know.
/// </summary>
internal sealed class ShapeInference
{
    private const int MaxTrackedValues = 64;
    private readonly OnnxGraph _graph;
    private readonly ConstantFolder _folder;
    private readonly Dictionary<string, Dim[]> _shapes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dim[]> _values = new(StringComparer.Ordinal);

    public ShapeInference(OnnxGraph graph, ConstantFolder folder)
    {
        _graph = graph;
        _folder = folder;
        foreach (var input in graph.RealInputs)
        {
            if (Declared(input) is { } shape)
            {
                _shapes[input.Name] = shape;
            }
        }

        foreach (var (name, tensor) in graph.Initializers)
        {
            _shapes[name] = [.. tensor.Dims.Select(d => (Dim)d)];
        }

        foreach (var index in graph.Order)
        {
            var node = graph.Graph.Node[index];
            try
            {
                Infer(node);
            }
            catch (Exception ex) when (ex is InvalidModelException or ArgumentException or InvalidOperationException or OverflowException or IndexOutOfRangeException)
            {
                // Inference is best effort: a node we cannot reason about leaves its outputs unknown.
            }

            foreach (var output in node.Output)
            {
                if (output.Length > 0 && !_shapes.ContainsKey(output) && graph.FindValueInfo(output) is { } info && Declared(info) is { } declared)
                {
                    _shapes[output] = declared;
                }
            }
        }
    }

    /// <summary>The inferred shape of a value, or null.</summary>
    public Dim[]? ShapeOf(string value) => _shapes.GetValueOrDefault(value);

    /// <summary>The shape a value-info declares: null when it declares none.</summary>
    public static Dim[]? Declared(ValueInfoProto info)
    {
        if (info.Type?.TensorType is not { Shape: { } shape })
        {
            return null;
        }

        return [.. shape.Dim.Select(d => d.HasDimValue && d.DimValue >= 0 ? new Dim(d.DimValue) : new Dim(null, d.HasDimParam && d.DimParam.Length > 0 ? d.DimParam : null))];
    }

    private Dim[]? In(NodeProto node, int index) =>
        index < node.Input.Count && node.Input[index].Length > 0 ? _shapes.GetValueOrDefault(node.Input[index]) : null;

    private void Set(NodeProto node, Dim[]? shape, int output = 0)
    {
        if (shape is not null && output < node.Output.Count && node.Output[output].Length > 0)
        {
            _shapes[node.Output[output]] = shape;
        }
    }

    /// <summary>Values of a small integer input: from a constant, or from tracked shape arithmetic.</summary>
    private Dim[]? ValuesOf(NodeProto node, int index)
    {
        if (index >= node.Input.Count || node.Input[index].Length == 0)
        {
            return null;
        }

        var name = node.Input[index];
        if (_values.TryGetValue(name, out var known))
        {
            return known;
        }

        if (_graph.KindOf(name) != ValueKind.Constant)
        {
            return null;
        }

        var value = _folder.Evaluate(name);
        if (value.Count > MaxTrackedValues)
        {
            return null;
        }

        var result = new Dim[value.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = value.Ints is { } ints ? ints[i] : (long)value[i];
        }

        _values[name] = result;
        return result;
    }

    private static long? IntAttr(NodeProto node, string name) => Attributes.Find(node, name) is { } a && Attributes.TypeOf(a) == Attributes.Int ? a.I : null;

    private static long[]? IntsAttr(NodeProto node, string name) => Attributes.Find(node, name) is { } a && Attributes.TypeOf(a) == Attributes.Ints ? [.. a.Ints] : null;

    private long[]? IntsFromInputOrAttr(NodeProto node, int input, string attribute)
    {
        if (ValuesOf(node, input) is { } values)
        {
            return values.All(v => v.Value.HasValue) ? [.. values.Select(v => v.Value!.Value)] : null;
        }

        return IntsAttr(node, attribute);
    }

    private static int Axis(long axis, int rank) => (int)(axis < 0 ? axis + rank : axis);

    private void Infer(NodeProto node)
    {
        var x = In(node, 0);
        switch (node.OpType)
        {
            case "Constant" when node.Output.Count > 0:
                Set(node, [.. _folder.DimsOf(node.Output[0]).Select(d => (Dim)d)]);
                break;
            case "Relu" or "LeakyRelu" or "PRelu" or "Sigmoid" or "Tanh" or "Softmax" or "LogSoftmax" or "Elu" or "Selu" or "Celu"
                or "HardSigmoid" or "HardSwish" or "Clip" or "Identity" or "Dropout" or "BatchNormalization" or "InstanceNormalization"
                or "LayerNormalization" or "LRN" or "Cast" or "Neg" or "Abs" or "Exp" or "Log" or "Sqrt" or "Erf" or "Gelu" or "Mish"
                or "Softplus" or "Softsign" or "Sign" or "Floor" or "Ceil" or "Round" or "Reciprocal" or "Not" or "QuantizeLinear"
                or "DequantizeLinear" or "ThresholdedRelu" or "Shrink" or "Hardmax" or "Sin" or "Cos":
                Set(node, x);
                if (node.OpType == "Cast" && node.Input.Count > 0 && _values.TryGetValue(node.Input[0], out var castValues))
                {
                    _values[node.Output[0]] = castValues;
                }

                break;
            case "Add" or "Sub" or "Mul" or "Div" or "Pow" or "Max" or "Min" or "Sum" or "Mean" or "Equal" or "Greater" or "Less"
                or "GreaterOrEqual" or "LessOrEqual" or "And" or "Or" or "Xor" or "Where" or "Mod" or "BitShift":
                InferBroadcast(node);
                break;
            case "Conv" or "ConvInteger" or "QLinearConv":
                InferConv(node, x, node.OpType == "QLinearConv" ? In(node, 3) : In(node, 1));
                break;
            case "MaxPool" or "AveragePool" or "LpPool":
                InferPool(node, x);
                break;
            case "GlobalAveragePool" or "GlobalMaxPool" or "GlobalLpPool":
                if (x is { Length: >= 2 })
                {
                    Set(node, [x[0], x[1], .. Enumerable.Repeat((Dim)1, x.Length - 2)]);
                }

                break;
            case "Flatten":
                if (x is not null)
                {
                    var axis = Axis(IntAttr(node, "axis") ?? 1, x.Length);
                    Set(node, [Product(x.AsSpan(0, axis)), Product(x.AsSpan(axis))]);
                }

                break;
            case "Gemm":
                InferGemm(node, x, In(node, 1));
                break;
            case "MatMul" or "MatMulInteger" or "QLinearMatMul":
                InferMatMul(node, x, node.OpType == "QLinearMatMul" ? In(node, 3) : In(node, 1));
                break;
            case "Reshape":
                InferReshape(node, x, ValuesOf(node, 1) ?? IntsAttr(node, "shape")?.Select(v => (Dim)v).ToArray());
                break;
            case "Transpose":
                if (x is not null)
                {
                    var perm = IntsAttr(node, "perm") ?? [.. Enumerable.Range(0, x.Length).Reverse().Select(i => (long)i)];
                    Set(node, [.. perm.Select(p => x[p])]);
                }

                break;
            case "Squeeze":
                InferSqueeze(node, x);
                break;
            case "Unsqueeze":
                InferUnsqueeze(node, x);
                break;
            case "Concat":
                InferConcat(node);
                break;
            case "Pad":
                InferPad(node, x);
                break;
            case "Shape":
                if (x is not null)
                {
                    var start = Axis(IntAttr(node, "start") ?? 0, x.Length);
                    var end = IntAttr(node, "end") is long e ? Axis(e, x.Length) : x.Length;
                    var values = x[Math.Clamp(start, 0, x.Length)..Math.Clamp(end, 0, x.Length)];
                    _values[node.Output[0]] = values;
                    Set(node, [values.Length]);
                }

                break;
            case "Gather":
                InferGather(node, x);
                break;
            case "ReduceMean" or "ReduceSum" or "ReduceMax" or "ReduceMin" or "ReduceProd" or "ReduceL2" or "ReduceL1":
                InferReduce(node, x);
                break;
        }
    }

    private static Dim Product(ReadOnlySpan<Dim> dims)
    {
        if (dims.Length == 1)
        {
            return dims[0]; // keeps a symbolic name such as the batch's
        }

        long product = 1;
        foreach (var d in dims)
        {
            if (d.Value is not long v)
            {
                return Dim.Unknown;
            }

            product = checked(product * v);
        }

        return product;
    }

    private void InferBroadcast(NodeProto node)
    {
        var inputs = Enumerable.Range(0, node.Input.Count).Select(i => In(node, i)).ToArray();
        if (inputs.Length == 0 || inputs.Any(s => s is null))
        {
            return;
        }

        var rank = inputs.Max(s => s!.Length);
        var result = new Dim[rank];
        for (var axis = 0; axis < rank; axis++)
        {
            Dim chosen = 1;
            foreach (var shape in inputs)
            {
                var index = axis - (rank - shape!.Length);
                if (index < 0)
                {
                    continue;
                }

                var d = shape[index];
                if (d.Value == 1)
                {
                    continue;
                }

                chosen = chosen.Value == 1 || d.Value is not null ? d : chosen;
            }

            result[axis] = chosen;
        }

        Set(node, result);
    }

    private ConvolutionOptions? Options(NodeProto node, int spatial)
    {
        if (spatial != 2)
        {
            return null;
        }

        return LayerFactory.ReadConvolutionOptions(node, _graph.Source);
    }

    private void InferConv(NodeProto node, Dim[]? x, Dim[]? w)
    {
        if (x is not { Length: 4 } || w is not { Length: 4 } || Options(node, 2) is not { } options)
        {
            return;
        }

        var (kh, kw) = (w[2].Value, w[3].Value);
        if (kh is null || kw is null)
        {
            return;
        }

        Set(node, [x[0], w[0], Spatial(x[2], (int)kh, options, vertical: true), Spatial(x[3], (int)kw, options, vertical: false)]);
    }

    private static Dim Spatial(Dim input, int kernel, ConvolutionOptions options, bool vertical)
    {
        if (input.Value is not long size)
        {
            return Dim.Unknown;
        }

        var (height, width) = vertical ? options.GetOutputSize((int)size, 1, kernel, 1) : options.GetOutputSize(1, (int)size, 1, kernel);
        return vertical ? height : width;
    }

    private void InferPool(NodeProto node, Dim[]? x)
    {
        if (x is not { Length: 4 } || IntsAttr(node, "kernel_shape") is not { Length: 2 } kernel || Options(node, 2) is not { } options)
        {
            return;
        }

        var ceil = (IntAttr(node, "ceil_mode") ?? 0) != 0;
        Dim Pooled(Dim input, int axis)
        {
            if (input.Value is not long size)
            {
                return Dim.Unknown;
            }

            if (options.AutoPad is AutoPad.SameUpper or AutoPad.SameLower or AutoPad.Valid || !ceil)
            {
                return Spatial(input, (int)kernel[axis], options, vertical: axis == 0);
            }

            var pads = axis == 0 ? options.Pads.Top + options.Pads.Bottom : options.Pads.Left + options.Pads.Right;
            var stride = axis == 0 ? options.Strides.Y : options.Strides.X;
            var dilation = axis == 0 ? options.Dilations.Y : options.Dilations.X;
            var span = ((kernel[axis] - 1) * dilation) + 1;
            var output = (long)Math.Ceiling((size + pads - span) / (double)stride) + 1;
            var begin = axis == 0 ? options.Pads.Top : options.Pads.Left;
            if ((output - 1) * stride >= size + begin)
            {
                output--; // the last window must start inside the input or its leading padding
            }

            return output;
        }

        Set(node, [x[0], x[1], Pooled(x[2], 0), Pooled(x[3], 1)]);
    }

    private void InferGemm(NodeProto node, Dim[]? a, Dim[]? b)
    {
        if (a is not { Length: 2 } || b is not { Length: 2 })
        {
            return;
        }

        var m = (IntAttr(node, "transA") ?? 0) != 0 ? a[1] : a[0];
        var n = (IntAttr(node, "transB") ?? 0) != 0 ? b[0] : b[1];
        Set(node, [m, n]);
    }

    private void InferMatMul(NodeProto node, Dim[]? a, Dim[]? b)
    {
        if (a is null || b is null || a.Length == 0 || b.Length == 0)
        {
            return;
        }

        if (a.Length == 1 && b.Length == 1)
        {
            Set(node, []);
            return;
        }

        Dim[] left = a.Length == 1 ? [1, a[0]] : a;
        Dim[] right = b.Length == 1 ? [b[0], 1] : b;
        var batchRank = Math.Max(left.Length, right.Length) - 2;
        var batch = new Dim[batchRank];
        for (var i = 0; i < batchRank; i++)
        {
            var li = i - (batchRank - (left.Length - 2));
            var ri = i - (batchRank - (right.Length - 2));
            var l = li >= 0 ? left[li] : 1;
            var r = ri >= 0 ? right[ri] : 1;
            batch[i] = l.Value == 1 ? r : l;
        }

        var result = new List<Dim>(batch);
        if (a.Length > 1)
        {
            result.Add(left[^2]);
        }

        if (b.Length > 1)
        {
            result.Add(right[^1]);
        }

        Set(node, [.. result]);
    }

    private void InferReshape(NodeProto node, Dim[]? x, Dim[]? shape)
    {
        if (shape is null)
        {
            return;
        }

        var allowZero = (IntAttr(node, "allowzero") ?? 0) != 0;
        var result = new Dim[shape.Length];
        var inferred = -1;
        for (var i = 0; i < shape.Length; i++)
        {
            var d = shape[i];
            if (d.Value == 0 && !allowZero)
            {
                d = x is not null && i < x.Length ? x[i] : Dim.Unknown;
            }
            else if (d.Value == -1)
            {
                inferred = i;
                d = Dim.Unknown;
            }

            result[i] = d;
        }

        if (inferred >= 0 && x is not null && Product(x).Value is long total)
        {
            var known = Product([.. result.Where((_, i) => i != inferred)]);
            if (known.Value is long k && k > 0)
            {
                result[inferred] = total / k;
            }
        }
        else if (inferred == 1 && result.Length == 2 && x is { Length: >= 2 } && result[0] == x[0] && Product(x.AsSpan(1)).Value is long rest)
        {
            // [N, C, H, W] -> [N, -1] with an unknown batch N: the second axis is still C * H * W.
            result[1] = rest;
        }

        Set(node, result);
    }

    private void InferSqueeze(NodeProto node, Dim[]? x)
    {
        if (x is null)
        {
            return;
        }

        var axes = IntsFromInputOrAttr(node, 1, "axes");
        var drop = axes is null
            ? [.. Enumerable.Range(0, x.Length).Where(i => x[i].Value == 1)]
            : axes.Select(a => Axis(a, x.Length)).ToHashSet();
        var result = x.Where((_, i) => !drop.Contains(i)).ToArray();
        Set(node, result);
        if (_values.TryGetValue(node.Input[0], out var values))
        {
            _values[node.Output[0]] = values;
        }
    }

    private void InferUnsqueeze(NodeProto node, Dim[]? x)
    {
        if (x is null || IntsFromInputOrAttr(node, 1, "axes") is not { } axes)
        {
            return;
        }

        var rank = x.Length + axes.Length;
        var insert = axes.Select(a => Axis(a, rank)).ToHashSet();
        var result = new Dim[rank];
        var source = 0;
        for (var i = 0; i < rank; i++)
        {
            result[i] = insert.Contains(i) ? 1 : x[source++];
        }

        Set(node, result);
        if (_values.TryGetValue(node.Input[0], out var values))
        {
            _values[node.Output[0]] = values;
        }
    }

    private void InferConcat(NodeProto node)
    {
        var inputs = Enumerable.Range(0, node.Input.Count).Where(i => node.Input[i].Length > 0).Select(i => In(node, i)).ToArray();
        if (inputs.Length == 0 || inputs.Any(s => s is null))
        {
            return;
        }

        var rank = inputs[0]!.Length;
        var axis = Axis(IntAttr(node, "axis") ?? 0, rank);
        var result = (Dim[])inputs[0]!.Clone();
        result[axis] = inputs.All(s => s![axis].Value.HasValue) ? inputs.Sum(s => s![axis].Value!.Value) : Dim.Unknown;
        Set(node, result);

        if (rank == 1)
        {
            var parts = Enumerable.Range(0, node.Input.Count).Where(i => node.Input[i].Length > 0).Select(i => ValuesOf(node, i)).ToArray();
            if (parts.All(p => p is not null))
            {
                _values[node.Output[0]] = [.. parts.SelectMany(p => p!)];
            }
        }
    }

    private void InferPad(NodeProto node, Dim[]? x)
    {
        if (x is null || IntsFromInputOrAttr(node, 1, "pads") is not { } pads || pads.Length != 2 * x.Length)
        {
            return;
        }

        Set(node, [.. x.Select((d, i) => d.Value is long v ? (Dim)(v + pads[i] + pads[i + x.Length]) : d)]);
    }

    private void InferGather(NodeProto node, Dim[]? x)
    {
        var indices = In(node, 1);
        if (x is null || indices is null)
        {
            return;
        }

        var axis = Axis(IntAttr(node, "axis") ?? 0, x.Length);
        Set(node, [.. x[..axis], .. indices, .. x[(axis + 1)..]]);
        if (x.Length == 1 && _values.TryGetValue(node.Input[0], out var values) && ValuesOf(node, 1) is { } picks)
        {
            _values[node.Output[0]] = [.. picks.Select(p => p.Value is long i ? values[(int)(i < 0 ? i + values.Length : i)] : Dim.Unknown)];
        }
    }

    private void InferReduce(NodeProto node, Dim[]? x)
    {
        if (x is null)
        {
            return;
        }

        var keep = (IntAttr(node, "keepdims") ?? 1) != 0;
        var axes = IntsFromInputOrAttr(node, 1, "axes")?.Select(a => Axis(a, x.Length)).ToHashSet()
            ?? [.. Enumerable.Range(0, x.Length)];
        Set(node, keep ? [.. x.Select((d, i) => axes.Contains(i) ? 1 : d)] : [.. x.Where((_, i) => !axes.Contains(i))]);
    }
}
