using Interpretability.Onnx.Schema;
using static Interpretability.Tests.Onnx.OnnxBuilder;

namespace Interpretability.Tests.Onnx;

/// <summary>Which nodes become layers, their order and names, and how weights are seen through constant nodes.</summary>
public class ModelGraphTests
{
    private static readonly float[] s_kernel = [.. Enumerable.Range(0, 18).Select(i => i * 0.5f - 4f)];

    [Fact]
    public void Layers_SkipConstantAndShapeNodesAndSeeThroughIdentityAndCast()
    {
        // W16 (float16) -> Cast to float -> Identity -> Conv; the Flatten's shape comes from Shape/Gather/Unsqueeze/Concat.
        var half = s_kernel.SelectMany(v => BitConverter.GetBytes((Half)v)).ToArray();
        var model = Model(Graph(
            [
                Node("Cast", ["W16"], ["W32"], "cast", Int("to", 1)),
                Node("Identity", ["W32"], ["W"], "identity"),
                Node("Constant", [], ["B"], "bias", TensorAttribute("value", Floats("b", [2], [0.5f, -0.5f]))),
                Node("Conv", ["x", "W", "B"], ["c"], "conv"),
                Node("Relu", ["c"], ["r"], "relu"),
                Node("Shape", ["r"], ["s"], "shape"),
                Node("Constant", [], ["zero"], "zero", TensorAttribute("value", Int64s("z", [], [0]))),
                Node("Gather", ["s", "zero"], ["n"], "gather", Int("axis", 0)),
                Node("Unsqueeze", ["n"], ["n1"], "unsqueeze", Ints("axes", 0)),
                Node("Constant", [], ["minus1"], "minus1", TensorAttribute("value", Int64s("m", [1], [-1]))),
                Node("Concat", ["n1", "minus1"], ["target"], "concat", Int("axis", 0)),
                Node("Reshape", ["r", "target"], ["y"], "reshape"),
            ],
            [Raw("W16", OnnxDataType.Float16, [2, 1, 3, 3], half)],
            [Value("x", -1, 1, 5, 5)],
            [Value("y")]));

        using var loaded = Load(model);

        Assert.Equal(["conv", "relu", "reshape"], loaded.Layers.Select(l => l.Name));
        var weights = loaded.Layers[0].GetWeights();
        Assert.Equal(s_kernel, weights.Kernel.ToArray());
        Assert.Equal([0.5f, -0.5f], weights.Bias!.ToArray());
        Assert.Equal(["W", "B"], weights.Names);
        Assert.Empty(loaded.Layers[2].GetWeights());
        Assert.Equal([null, 18], loaded.Layers[2].OutputShape);
    }

    [Fact]
    public void Layers_AreInTopologicalOrderEvenWhenTheFileIsNot()
    {
        var model = Model(Graph(
            [
                Node("Sigmoid", ["b"], ["y"], "third"),
                Node("Relu", ["x"], ["a"], "first"),
                Node("Tanh", ["a"], ["b"], "second"),
            ],
            inputs: [Value("x", 1, 4)],
            outputs: [Value("y")]));

        using var loaded = Load(model);

        Assert.Equal(["first", "second", "third"], loaded.Layers.Select(l => l.Name));
        Assert.Equal([0, 1, 2], loaded.Layers.Select(l => l.Index));
    }

    [Fact]
    public void Name_IsGeneratedWhenEmptyAndMadeUnique()
    {
        var model = Model(Graph(
            [
                Node("Relu", ["x"], ["a"]),
                Node("Relu", ["a"], ["b"], "dup"),
                Node("Relu", ["b"], ["c"], "dup"),
            ],
            inputs: [Value("x", 1, 4)]));

        using var loaded = Load(model);

        Assert.Equal(["Relu_0", "dup", "dup_2"], loaded.Layers.Select(l => l.Name));
        Assert.Same(loaded.Layers[2], loaded.GetLayer("dup_2"));
    }

    [Fact]
    public void GetLayer_ListsTheValidNamesWhenTheNameIsUnknown()
    {
        using var loaded = Load(Conv(s_kernel, [2, 1, 3, 3]));

        var ex = Assert.Throws<ArgumentException>(() => loaded.GetLayer("conv9"));
        Assert.Equal("name", ex.ParamName);
        Assert.Contains("'conv9'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'conv'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetWeights_DequantizesPerAxisWeights()
    {
        // int8 kernel [2, 1, 1, 2] with per-output-channel scales and zero points, the QDQ pattern of ONNX Runtime's quantizer.
        var model = Model(Graph(
            [
                Node("DequantizeLinear", ["q", "scale", "zero"], ["W"], "dq", Int("axis", 0)),
                Node("Conv", ["x", "W"], ["y"], "conv"),
            ],
            [
                Raw("q", OnnxDataType.Int8, [2, 1, 1, 2], [unchecked((byte)-3), 5, 10, unchecked((byte)-128)]),
                Floats("scale", [2], [0.5f, 0.25f]),
                Raw("zero", OnnxDataType.Int8, [2], [1, 2]),
            ],
            [Value("x", 1, 1, 4, 4)]));

        using var loaded = Load(model);
        var kernel = loaded.Layers.Single().GetWeights().Kernel;

        // (q - zero) * scale: (-3 - 1) * 0.5, (5 - 1) * 0.5, (10 - 2) * 0.25, (-128 - 2) * 0.25.
        Assert.Equal([-2f, 2f, 2f, -32.5f], kernel.ToArray());
    }

    [Fact]
    public void GetWeights_ExcludesOperatorParameters()
    {
        var model = Model(Graph(
            [
                Node("Clip", ["x", "lo", "hi"], ["c"], "clip"),
                Node("Reshape", ["c", "shape"], ["r"], "reshape"),
                Node("Add", ["r", "offset"], ["y"], "add"),
            ],
            [Floats("lo", [], [0f]), Floats("hi", [], [6f]), Int64s("shape", [2], [2, 2]), Floats("offset", [2, 2], [1, 2, 3, 4])],
            [Value("x", 4)]));

        using var loaded = Load(model);

        Assert.Empty(loaded.Layers[0].GetWeights());
        Assert.Empty(loaded.Layers[1].GetWeights());
        Assert.Equal([1f, 2f, 3f, 4f], loaded.Layers[2].GetWeights().Kernel.ToArray());
        Assert.Equal(4, loaded.Layers[2].ParameterCount);
    }

    [Fact]
    public void Kernel_OfALayerWithoutWeightsThrowsNamingTheLayer()
    {
        using var loaded = Load(Model(Graph([Node("Relu", ["x"], ["y"], "act")], inputs: [Value("x", 4)])));

        var ex = Assert.Throws<InvalidOperationException>(() => loaded.Layers[0].GetWeights().Kernel);
        Assert.Contains("'act'", ex.Message, StringComparison.Ordinal);
        Assert.Null(loaded.Layers[0].GetWeights().Bias);
    }

    [Fact]
    public void Conv2DLayer_ReadsAttributesWithOnnxDefaults()
    {
        using var plain = Load(Conv(s_kernel, [2, 1, 3, 3], [1, 2]));
        var conv = Assert.IsType<Conv2DLayer>(plain.Layers[0]);
        Assert.Equal(ConvolutionOptions.Default, conv.Options);
        Assert.Equal((2, 1, (3, 3), true), (conv.Filters, conv.InputChannels, conv.KernelSize, conv.HasBias));

        using var configured = Load(Conv(s_kernel, [2, 1, 3, 3], null, 9, 9,
            Ints("strides", 2, 3), Ints("pads", 1, 0, 2, 1), Ints("dilations", 2, 1), String("auto_pad", "NOTSET")));
        var options = ((Conv2DLayer)configured.Layers[0]).Options;
        Assert.Equal(new ConvolutionOptions { Strides = (2, 3), Pads = (1, 0, 2, 1), Dilations = (2, 1) }, options);
        Assert.Equal([1, 2, 4, 3], configured.Layers[0].OutputShape);
    }

    [Theory]
    [InlineData("strides", new long[] { 0, 1 })]
    [InlineData("dilations", new long[] { 1, -1 })]
    [InlineData("pads", new long[] { 0, 0, -1, 0 })]
    public void Load_RejectsInvalidConvAttributesNamingTheNode(string attribute, long[] values)
    {
        var ex = Assert.Throws<InvalidModelException>(() => Load(Conv(s_kernel, [2, 1, 3, 3], null, 5, 5, Ints(attribute, values))));

        Assert.Contains("'conv'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RejectsAnAttributeListOfTheWrongLength()
    {
        var ex = Assert.Throws<InvalidModelException>(() => Load(Conv(s_kernel, [2, 1, 3, 3], null, 5, 5, Ints("pads", 1, 1))));

        Assert.Contains("'pads' has 2 values", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RejectsAnUnknownAutoPad()
    {
        var ex = Assert.Throws<InvalidModelException>(() => Load(Conv(s_kernel, [2, 1, 3, 3], null, 5, 5, String("auto_pad", "SAME"))));

        Assert.Contains("auto_pad 'SAME'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DenseLayer_ReportsGemmAttributesAndKerasOrder()
    {
        // PyTorch's nn.Linear(3, 2): B stored [2, 3] with transB = 1.
        var model = Model(Graph(
            [Node("Gemm", ["x", "B", "C"], ["y"], "fc", Int("transB", 1), Float("alpha", 1f))],
            [Floats("B", [2, 3], [1, 2, 3, 4, 5, 6]), Floats("C", [2], [7, 8])],
            [Value("x", -1, 3)]));

        using var loaded = Load(model);
        var dense = Assert.IsType<DenseLayer>(loaded.Layers[0]);

        Assert.Equal((true, 2, 3, 1f), (dense.TransposeB, dense.Units, dense.InputFeatures, dense.Beta));
        var keras = dense.GetWeights().InKerasOrder();
        Assert.Equal([3, 2], keras.Kernel.Lengths.ToArray());
        Assert.Equal([1f, 4f, 2f, 5f, 3f, 6f], keras.Kernel.ToArray());
        Assert.Equal([null, 2], loaded.Layers[0].OutputShape);
    }

    [Fact]
    public void Kernel2D_AndKerasOrderMapIndexesAsDocumented()
    {
        var values = Enumerable.Range(0, 2 * 3 * 2 * 2).Select(i => (float)i).ToArray();
        using var loaded = Load(Conv(values, [2, 3, 2, 2], height: 4, width: 4));
        var weights = loaded.Layers[0].GetWeights();
        var keras = weights.InKerasOrder().Kernel;

        Assert.Equal([2, 2, 3, 2], keras.Lengths.ToArray());
        for (var k = 0; k < 2; k++)
        {
            for (var c = 0; c < 3; c++)
            {
                var slice = weights.Kernel2D(k, c);
                for (var y = 0; y < 2; y++)
                {
                    for (var x = 0; x < 2; x++)
                    {
                        var expected = values[(((k * 3) + c) * 4) + (y * 2) + x];
                        Assert.Equal(expected, slice[y, x]);
                        Assert.Equal(expected, keras[y, x, c, k]);
                    }
                }
            }
        }

        Assert.Equal("kernel", Assert.Throws<ArgumentOutOfRangeException>(() => weights.Kernel2D(2, 0)).ParamName);
        Assert.Equal("channel", Assert.Throws<ArgumentOutOfRangeException>(() => weights.Kernel2D(0, 3)).ParamName);
    }

    [Fact]
    public void Summary_ListsEveryLayerWithShapesAndParameters()
    {
        using var loaded = Load(Conv(s_kernel, [2, 1, 3, 3], [1, 2], 28, 28));

        var summary = loaded.Summary();

        Assert.Contains("conv (Conv)", summary, StringComparison.Ordinal);
        Assert.Contains("[1, 2, 26, 26]", summary, StringComparison.Ordinal);
        Assert.Contains("Total params: 20", summary, StringComparison.Ordinal);
        Assert.Contains("Input: x FLOAT [1, 1, 28, 28]", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Inputs_ExcludeInitializersListedAsInputs()
    {
        // IR 3 style: the weight is both an initializer and a graph input.
        var model = Conv(s_kernel, [2, 1, 3, 3]);
        model.IrVersion = 3;
        model.Graph.Input.Add(Value("W", 2, 1, 3, 3));

        using var loaded = Load(model);

        Assert.Equal(["x"], loaded.Inputs.Select(i => i.Name));
        Assert.Equal(s_kernel, loaded.Layers[0].GetWeights().Kernel.ToArray());
        Assert.Equal(3, loaded.IrVersion);
    }

    [Fact]
    public void GetWeights_DequantizesQLinearConvKernelAndBias()
    {
        // w uint8 [2, 1, 1, 1] = [10, 200], w_zero_point [0, 100], w_scale [0.5, 0.25], x_scale 0.1, B int32 [40, -8].
        var model = Model(Graph(
            [Node("QLinearConv", ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz", "B"], ["y"], "qconv")],
            [
                Floats("xs", [], [0.1f]),
                Raw("xz", OnnxDataType.UInt8, [], [0]),
                Raw("w", OnnxDataType.UInt8, [2, 1, 1, 1], [10, 200]),
                Floats("ws", [2], [0.5f, 0.25f]),
                Raw("wz", OnnxDataType.UInt8, [2], [0, 100]),
                Floats("ys", [], [1f]),
                Raw("yz", OnnxDataType.UInt8, [], [0]),
                Raw("B", OnnxDataType.Int32, [2], [40, 0, 0, 0, 0xF8, 0xFF, 0xFF, 0xFF]),
            ],
            [Value("x", OnnxDataType.UInt8, 1, 1, 3, 3)]));

        using var loaded = Load(model);
        var weights = loaded.Layers.Single().GetWeights();

        // kernel = (w - w_zero_point) * w_scale = [10 * 0.5, 100 * 0.25]; bias = B * x_scale * w_scale = [40 * 0.1 * 0.5, -8 * 0.1 * 0.25].
        Assert.Equal([5f, 25f], weights.Kernel.ToArray());
        Assert.Equal(new[] { 2f, -0.2f }, weights.Bias!.ToArray(), new FloatTolerance(1e-6f));
        Assert.Equal(["w", "B"], weights.Names);
    }

    [Fact]
    public void GetWeights_ShiftsConvIntegerKernelsByTheirZeroPoint()
    {
        var model = Model(Graph(
            [Node("ConvInteger", ["x", "w", "", "wz"], ["y"], "iconv")],
            [Raw("w", OnnxDataType.Int8, [1, 1, 1, 2], [3, unchecked((byte)-3)]), Raw("wz", OnnxDataType.Int8, [], [1])],
            [Value("x", OnnxDataType.UInt8, 1, 1, 3, 3)]));

        using var loaded = Load(model);

        Assert.Equal([2f, -4f], loaded.Layers.Single().GetWeights().Kernel.ToArray());
    }
}
