using Interpretability.Onnx.Schema;

namespace Interpretability.Onnx;

/// <summary>Turns the graph's computing nodes into <see cref="Layer"/> objects with their weights and attributes.</summary>
internal static class LayerFactory
{
    /// <summary>Constant inputs that configure an operator rather than hold learned values (by input index).</summary>
    private static readonly Dictionary<string, int[]> s_parameterInputs = new(StringComparer.Ordinal)
    {
        ["Reshape"] = [1],
        ["Expand"] = [1],
        ["Tile"] = [1],
        ["Slice"] = [1, 2, 3, 4],
        ["Pad"] = [1, 2, 3],
        ["Resize"] = [1, 2, 3],
        ["Upsample"] = [1],
        ["Squeeze"] = [1],
        ["Unsqueeze"] = [1],
        ["Clip"] = [1, 2],
        ["TopK"] = [1],
        ["Split"] = [1],
        ["OneHot"] = [1, 2],
        ["Dropout"] = [1, 2],
        ["Trilu"] = [1],
        ["CumSum"] = [1],
        ["Gather"] = [1],
        ["GatherElements"] = [1],
        ["GatherND"] = [1],
        ["ScatterND"] = [1],
        ["ScatterElements"] = [1],
        ["NonMaxSuppression"] = [2, 3, 4],
        ["RoiAlign"] = [1, 2],
        ["ReduceMean"] = [1],
        ["ReduceSum"] = [1],
        ["ReduceMax"] = [1],
        ["ReduceMin"] = [1],
        ["ReduceProd"] = [1],
        ["ReduceL1"] = [1],
        ["ReduceL2"] = [1],
        ["ReduceLogSum"] = [1],
        ["ReduceLogSumExp"] = [1],
        ["ReduceSumSquare"] = [1],
        ["ConstantOfShape"] = [0],
        ["Range"] = [0, 1, 2],
        ["Where"] = [0],
    };

    public static Layer[] CreateLayers(Model model, OnnxGraph graph, ConstantFolder folder, ShapeInference shapes)
    {
        var layers = new List<Layer>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var index in graph.Order)
        {
            var node = graph.Graph.Node[index];
            if (!graph.IsLayer(node))
            {
                continue;
            }

            var name = UniqueName(string.IsNullOrEmpty(node.Name) ? $"{node.OpType}_{layers.Count}" : node.Name, names);
            var output = node.Output.Count > 0 && node.Output[0].Length > 0 ? shapes.ShapeOf(node.Output[0]) : null;
            IReadOnlyList<int?>? outputShape = output?.Select(d => d.Value is long v and <= int.MaxValue ? (int?)v : null).ToArray();
            var definition = new LayerDefinition(layers.Count, name, node, Weights(graph, folder, node), outputShape, folder, graph.Source, model);
            layers.Add(Create(definition, graph, folder));
        }

        return [.. layers];
    }

    private static string UniqueName(string name, HashSet<string> taken)
    {
        var candidate = name;
        for (var suffix = 2; !taken.Add(candidate); suffix++)
        {
            candidate = $"{name}_{suffix}";
        }

        return candidate;
    }

    private static bool IsConstant(OnnxGraph graph, NodeProto node, int index) =>
        index < node.Input.Count && node.Input[index].Length > 0 && graph.KindOf(node.Input[index]) == ValueKind.Constant;

    private static string? ConstantInput(OnnxGraph graph, NodeProto node, int index) =>
        IsConstant(graph, node, index) ? node.Input[index] : null;

    private static WeightSource[] Weights(OnnxGraph graph, ConstantFolder folder, NodeProto node)
    {
        var standard = node.Domain is "" or "ai.onnx";
        if (standard)
        {
            switch (node.OpType)
            {
                case "QLinearConv":
                    return Quantized(graph, node, [(3, 4, 5, null, 0), (8, 1, null, 4, 0)]);
                case "ConvInteger":
                    return Quantized(graph, node, [(1, null, 3, null, 0)]);
                case "QLinearMatMul":
                    return Quantized(graph, node, [(3, 4, 5, null, 1)]);
                case "MatMulInteger":
                    return Quantized(graph, node, [(1, null, 3, null, 1)]);
            }
        }

        var parameters = standard && s_parameterInputs.TryGetValue(node.OpType, out var slots) ? slots : [];
        var weights = new List<WeightSource>();
        for (var i = 0; i < node.Input.Count; i++)
        {
            if (IsConstant(graph, node, i) && !parameters.Contains(i) && OnnxDataTypes.IsFloatingPoint(folder.TypeOf(node.Input[i])))
            {
                weights.Add(new WeightSource.Input(node.Input[i], i));
            }
        }

        return [.. weights];
    }

    /// <summary>Quantized weights: (value input, scale input, zero-point input, extra scale input, channel axis).</summary>
    private static WeightSource[] Quantized(OnnxGraph graph, NodeProto node, (int Value, int? Scale, int? Zero, int? Extra, int Axis)[] specs)
    {
        var weights = new List<WeightSource>();
        foreach (var (value, scale, zero, extra, axis) in specs)
        {
            if (ConstantInput(graph, node, value) is not { } name)
            {
                continue;
            }

            string? Optional(int? index) => index is int i ? ConstantInput(graph, node, i) : null;
            weights.Add(new WeightSource.Quantized(name, value, Optional(scale), Optional(zero), Optional(extra), axis));
        }

        return [.. weights];
    }

    private static Layer Create(LayerDefinition definition, OnnxGraph graph, ConstantFolder folder)
    {
        var node = definition.Node;
        var source = definition.Source;
        if (node.Domain is not ("" or "ai.onnx"))
        {
            return new Layer(definition);
        }

        switch (node.OpType)
        {
            case "Conv" when IsConstant(graph, node, 1) && folder.DimsOf(node.Input[1]) is { Length: 4 } kernel:
                var options = ReadConvolutionOptions(node, source);
                if (kernel[1] * options.Group > int.MaxValue)
                {
                    throw source.Invalid($"node {Attributes.NodeLabel(node)}: group {options.Group:N0} times the kernel's {kernel[1]:N0} input channels per group is beyond {int.MaxValue:N0} input channels.");
                }

                if (Attributes.GetInts(node, "kernel_shape", 2, source) is { } kernelShape && (kernelShape[0] != kernel[2] || kernelShape[1] != kernel[3]))
                {
                    throw source.Invalid($"node {Attributes.NodeLabel(node)}: kernel_shape {Shapes.Format(kernelShape)} disagrees with the kernel's dims {Shapes.Format(kernel)}.");
                }

                return new Conv2DLayer(definition, options, kernel);
            case "Gemm" when IsConstant(graph, node, 1) && folder.DimsOf(node.Input[1]) is { Length: 2 } matrix:
                return new DenseLayer(
                    definition,
                    Attributes.GetInt(node, "transA", 0, source) != 0,
                    Attributes.GetInt(node, "transB", 0, source) != 0,
                    Attributes.GetFloat(node, "alpha", 1f, source),
                    Attributes.GetFloat(node, "beta", 1f, source),
                    matrix);
            case "MatMul" when IsConstant(graph, node, 1) && !IsConstant(graph, node, 0) && folder.DimsOf(node.Input[1]) is { Length: 2 } matrix:
                return new DenseLayer(definition, transposeA: false, transposeB: false, alpha: 1f, beta: 0f, matrix);
            case "BatchNormalization":
                return new BatchNormalizationLayer(
                    definition,
                    Attributes.GetFloat(node, "epsilon", 1e-5f, source),
                    Attributes.GetFloat(node, "momentum", 0.9f, source));
            default:
                return new Layer(definition);
        }
    }

    /// <summary>Reads strides, pads, dilations, group and auto_pad of a 2-D Conv or pooling node, applying ONNX's defaults.</summary>
    public static ConvolutionOptions ReadConvolutionOptions(NodeProto node, ModelSource source)
    {
        var strides = Attributes.GetInts(node, "strides", 2, source) ?? [1, 1];
        var pads = Attributes.GetInts(node, "pads", 4, source) ?? [0, 0, 0, 0];
        var dilations = Attributes.GetInts(node, "dilations", 2, source) ?? [1, 1];
        var group = Attributes.GetInt(node, "group", 1, source);
        var autoPad = Attributes.GetString(node, "auto_pad", source) switch
        {
            null or "" or "NOTSET" => AutoPad.NotSet,
            "SAME_UPPER" => AutoPad.SameUpper,
            "SAME_LOWER" => AutoPad.SameLower,
            "VALID" => AutoPad.Valid,
            var other => throw source.Invalid($"node {Attributes.NodeLabel(node)}: auto_pad '{other}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID."),
        };

        int Small(long value, string attribute) => value is >= int.MinValue and <= int.MaxValue
            ? (int)value
            : throw source.Invalid($"node {Attributes.NodeLabel(node)}: attribute '{attribute}' value {value} is out of range.");

        try
        {
            return new ConvolutionOptions
            {
                Strides = (Small(strides[0], "strides"), Small(strides[1], "strides")),
                Pads = (Small(pads[0], "pads"), Small(pads[1], "pads"), Small(pads[2], "pads"), Small(pads[3], "pads")),
                Dilations = (Small(dilations[0], "dilations"), Small(dilations[1], "dilations")),
                Group = Small(group, "group"),
                AutoPad = autoPad,
            };
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw source.Invalid($"node {Attributes.NodeLabel(node)}: {ex.ParamName} {FormatAttributes(strides, pads, dilations, group)} is invalid: {ex.Message.Split(" (Parameter")[0]}", ex);
        }
    }

    private static string FormatAttributes(long[] strides, long[] pads, long[] dilations, long group) =>
        $"(strides {Shapes.Format(strides)}, pads {Shapes.Format(pads)}, dilations {Shapes.Format(dilations)}, group {group})";
}
