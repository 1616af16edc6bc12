using Google.Protobuf;
using static Interpretability.Tests.Onnx.OnnxBuilder;

namespace Interpretability.Tests.Onnx;

/// <summary>Operator forms of recent opsets: blocked DequantizeLinear (21), axes as inputs (13, 18), IR 10.</summary>
public class OpsetTests
{
    [Fact]
    public void Opset21_BlockedDequantizeLinearAndReduceMeanWithAxesInput()
    {
        // int8 kernel [1, 1, 2, 4] quantized in blocks of 2 along the last axis: two scales per row.
        sbyte[] q = [2, -4, 6, 8, -10, 12, 14, -16];
        float[] scales = [0.5f, 0.25f, 0.125f, 1f];
        var model = Model(
            Graph(
                [
                    Node("DequantizeLinear", ["q", "scale"], ["W"], "dq", Int("axis", 3), Int("block_size", 2)),
                    Node("Conv", ["x", "W"], ["c"], "conv"),
                    Node("ReduceMean", ["c", "axes"], ["y"], "mean", Int("keepdims", 0)),
                ],
                [Raw("q", OnnxDataType.Int8, [1, 1, 2, 4], [.. q.Select(v => unchecked((byte)v))]), Floats("scale", [1, 1, 2, 2], scales), Int64s("axes", [2], [2, 3])],
                [Value("x", 1, 1, 4, 6)],
                [Value("y")]),
            irVersion: 10,
            opset: 21);

        using var loaded = Load(model);
        var conv = Assert.IsType<Conv2DLayer>(loaded.Layers[0]);
        var kernel = conv.GetWeights().Kernel.ToArray();

        // Row 0: blocks (2, -4) * 0.5 and (6, 8) * 0.25; row 1: (-10, 12) * 0.125 and (14, -16) * 1.
        Assert.Equal([1f, -2f, 1.5f, 2f, -1.25f, 1.5f, 14f, -16f], kernel);
        Assert.Equal(["conv", "mean"], loaded.Layers.Select(l => l.Name));
        Assert.Equal([1, 1], loaded.Layers[1].OutputShape);
        Assert.Equal(21, loaded.OpsetVersion);

        var input = Tensor.Create(Enumerable.Range(0, 24).Select(i => i / 24f).ToArray(), [1, 1, 4, 6]);
        var activations = loaded.GetActivations(input);
        var ours = conv.Apply(Tensor.Create(input.ToArray(), [1, 4, 6]));
        Assert.Equal(activations[conv].ToArray(), ours.ToArray(), new FloatTolerance(1e-5f));
        Assert.Equal(ours.ToArray().Average(), activations.Outputs[0].ToArray().Single(), 5);
    }

    [Fact]
    public void Opset13_SqueezeAndUnsqueezeAxesAsInputsFoldIntoWeights()
    {
        var model = Model(Graph(
            [
                Node("Unsqueeze", ["w2d", "axes01"], ["W"], "unsqueeze"),
                Node("Conv", ["x", "W"], ["y"], "conv"),
            ],
            [Floats("w2d", [2, 2], [1, 2, 3, 4]), Int64s("axes01", [2], [0, 1])],
            [Value("x", 1, 1, 3, 3)]));

        using var loaded = Load(model);

        Assert.Equal([1, 1, 2, 2], loaded.Layers[0].GetWeights().Kernel.Lengths.ToArray());
        Assert.IsType<Conv2DLayer>(loaded.Layers[0]);
    }
}
