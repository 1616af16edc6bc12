using Google.Protobuf;
using Interpretability.Onnx.Schema;
using Microsoft.ML.OnnxRuntime;

namespace Interpretability.Testing;

/// <summary>
/// Builds a one-node ONNX model (input X, constant W and B, one Conv, output Y) in memory and runs
/// it with ONNX Runtime: the outside oracle of the convolution tests and the ONNX Runtime baseline
/// of the benchmarks. Shared by both projects as a linked source file.
/// </summary>
internal static class OnnxConvModel
{
    private const int Float = 1;          // TensorProto.DataType.FLOAT
    private const int AttributeInt = 2;   // AttributeProto.AttributeType.INT
    private const int AttributeString = 3;
    private const int AttributeInts = 7;

    /// <summary>The serialized model for input <c>[N, C, H, W]</c>, weights <c>[O, C/group, kh, kw]</c>, optional bias <c>[O]</c>.</summary>
    public static byte[] Build(long[] inputShape, float[] weights, long[] weightShape, float[]? bias, ConvolutionOptions options)
    {
        var graph = new GraphProto { Name = "conv" };
        graph.Input.Add(ValueInfo("X", inputShape));
        graph.Initializer.Add(TensorOf("W", weights, weightShape));
        var node = new NodeProto { OpType = "Conv", Name = "conv" };
        node.Input.Add("X");
        node.Input.Add("W");
        if (bias is not null)
        {
            graph.Initializer.Add(TensorOf("B", bias, [bias.Length]));
            node.Input.Add("B");
        }

        node.Output.Add("Y");
        node.Attribute.Add(Ints("kernel_shape", weightShape[2], weightShape[3]));
        node.Attribute.Add(Ints("strides", options.Strides.Y, options.Strides.X));
        node.Attribute.Add(Ints("dilations", options.Dilations.Y, options.Dilations.X));
        node.Attribute.Add(new AttributeProto { Name = "group", Type = AttributeInt, I = options.Group });
        if (options.AutoPad == AutoPad.NotSet)
        {
            node.Attribute.Add(Ints("pads", options.Pads.Top, options.Pads.Left, options.Pads.Bottom, options.Pads.Right));
        }
        else
        {
            string mode = options.AutoPad switch { AutoPad.SameUpper => "SAME_UPPER", AutoPad.SameLower => "SAME_LOWER", _ => "VALID" };
            node.Attribute.Add(new AttributeProto { Name = "auto_pad", Type = AttributeString, S = ByteString.CopyFromUtf8(mode) });
        }

        graph.Node.Add(node);
        graph.Output.Add(new ValueInfoProto { Name = "Y", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = Float } } });
        var model = new ModelProto { IrVersion = 8, ProducerName = "Interpretability.Tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 13 });
        return model.ToByteArray();
    }

    /// <summary>Session options for a fair single-thread baseline: one intra-op thread, no spinning.</summary>
    public static SessionOptions SingleThread(GraphOptimizationLevel level)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = level,
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        return options;
    }

    /// <summary>Runs the model once on <paramref name="input"/> and returns Y's values.</summary>
    public static float[] Run(byte[] model, float[] input, long[] inputShape, GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_ALL)
    {
        using var sessionOptions = SingleThread(level);
        using var session = new InferenceSession(model, sessionOptions);
        using var x = OrtValue.CreateTensorValueFromMemory(input, inputShape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["X"], [x], ["Y"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static ValueInfoProto ValueInfo(string name, long[] shape)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = Float, Shape = new TensorShapeProto() };
        foreach (var d in shape)
        {
            tensor.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }

    private static TensorProto TensorOf(string name, float[] values, long[] shape)
    {
        var tensor = new TensorProto { Name = name, DataType = Float };
        tensor.Dims.AddRange(shape);
        tensor.FloatData.AddRange(values);
        return tensor;
    }

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeInts };
        attribute.Ints.AddRange(values);
        return attribute;
    }
}
