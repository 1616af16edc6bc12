namespace Interpretability.Tests.Onnx;

/// <summary>ONNX's own backend test models (TestData/onnx-backend, from Debian's libonnx-testdata) all load.</summary>
public class OnnxBackendModelTests
{
    public static TheoryData<string> Models() =>
        [.. Directory.EnumerateFiles(TestPaths.Data("onnx-backend"), "model.onnx", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(TestPaths.Data("onnx-backend"), p)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Models))]
    public void Load_ReadsEveryBackendTestModel(string relative)
    {
        using var model = Model.Load(Path.Combine(TestPaths.Data("onnx-backend"), relative));

        var layer = Assert.Single(model.Layers);
        Assert.Equal(relative.Contains("pytorch-converted", StringComparison.Ordinal), layer is Conv2DLayer);
        Assert.Contains(layer.Name, model.Summary(), StringComparison.Ordinal);
        _ = layer.GetWeights();
    }

    [Fact]
    public void Load_ReadsIr3ModelsWhoseWeightsAreAlsoInputs()
    {
        using var model = Model.Load(Path.Combine(TestPaths.Data("onnx-backend"), "pytorch-converted", "test_Conv2d_depthwise_with_multiplier", "model.onnx"));

        var conv = Assert.IsType<Conv2DLayer>(model.Layers[0]);
        Assert.Equal(3, model.IrVersion);
        Assert.Single(model.Inputs);
        Assert.Equal((8, 4, 4), (conv.Filters, conv.InputChannels, conv.Options.Group));
    }
}
