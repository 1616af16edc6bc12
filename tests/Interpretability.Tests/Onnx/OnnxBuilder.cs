using System.Runtime.InteropServices;
using Google.Protobuf;
using Interpretability.Onnx.Schema;

namespace Interpretability.Tests.Onnx;

/// <summary>Builds small ONNX models in memory for tests, with the library's own schema classes.</summary>
internal static class OnnxBuilder
{
    public static ModelProto Model(GraphProto graph, long irVersion = 8, long opset = 13) => new()
    {
        IrVersion = irVersion,
        ProducerName = "Interpretability.Tests",
        Graph = graph,
        OpsetImport = { new OperatorSetIdProto { Domain = string.Empty, Version = opset } },
    };

    public static GraphProto Graph(IEnumerable<NodeProto> nodes, IEnumerable<TensorProto>? initializers = null, IEnumerable<ValueInfoProto>? inputs = null, IEnumerable<ValueInfoProto>? outputs = null)
    {
        var graph = new GraphProto { Name = "test" };
        graph.Node.AddRange(nodes);
        graph.Initializer.AddRange(initializers ?? []);
        graph.Input.AddRange(inputs ?? []);
        graph.Output.AddRange(outputs ?? []);
        return graph;
    }

    public static NodeProto Node(string opType, string[] inputs, string[] outputs, string name = "", params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    public static ValueInfoProto Value(string name, params long[] dims) => Value(name, OnnxDataType.Float, dims);

    public static ValueInfoProto Value(string name, OnnxDataType type, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "N" } : new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }

    /// <summary>A FLOAT tensor stored in raw_data (little-endian).</summary>
    public static TensorProto Floats(string name, long[] dims, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)OnnxDataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    /// <summary>A FLOAT tensor stored in float_data.</summary>
    public static TensorProto FloatData(string name, long[] dims, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)OnnxDataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values);
        return tensor;
    }

    public static TensorProto Int64s(string name, long[] dims, long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)OnnxDataType.Int64 };
        tensor.Dims.AddRange(dims);
        tensor.Int64Data.AddRange(values);
        return tensor;
    }

    public static TensorProto Raw(string name, OnnxDataType type, long[] dims, byte[] bytes)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = 7 };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = 2, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = 1, F = value };

    public static AttributeProto String(string name, string value) => new() { Name = name, Type = 3, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Tensor(string name, TensorProto value) => new() { Name = name, Type = 4, T = value };

    /// <summary>A one-layer Conv model: input x [1, C, H, W], weights W (and B), output y.</summary>
    public static ModelProto Conv(float[] weights, long[] weightDims, float[]? bias = null, long height = 5, long width = 5, params AttributeProto[] attributes)
    {
        var initializers = new List<TensorProto> { Floats("W", weightDims, weights) };
        var inputs = new List<string> { "x", "W" };
        if (bias is not null)
        {
            initializers.Add(Floats("B", [bias.Length], bias));
            inputs.Add("B");
        }

        return Model(Graph(
            [Node("Conv", [.. inputs], ["y"], "conv", attributes)],
            initializers,
            [Value("x", 1, weightDims[1], height, width)],
            [Value("y")]));
    }

    public static Interpretability.Model Load(ModelProto model, string? baseDirectory = null, ModelLoadOptions? options = null) =>
        Interpretability.Model.Load(model.ToByteArray(), baseDirectory, options);
}
