using Microsoft.ML.OnnxRuntime;

namespace Interpretability.Tests.Activations;

/// <summary>
/// Every layer's activation, however the library obtains it (fetched from ONNX Runtime, or, for a
/// layer that only reshapes, its input's data reshaped), equals what ONNX Runtime itself returns
/// when every layer's value is made a graph output.
/// </summary>
public class AllLayersTests
{
    public static TheoryData<string> Models() =>
    [
        .. new[]
        {
            Path.Combine(TestPaths.RepositoryRoot, "samples", "FashionMnistLecture", "model", "fashion_cnn.onnx"),
            TestPaths.Data("real", "squeezenet1_1.onnx"),
        },
        .. ExportedFixture.All().Select(json => ExportedFixture.Read(json).ModelPath),
    ];

    [Theory]
    [MemberData(nameof(Models))]
    public void GetActivations_OfEveryLayerEqualOnnxRuntimesOwnValues(string path)
    {
        using var model = Model.Load(path);
        var shape = model.Input.Shape!.Select((d, i) => (long)(d ?? (i == 0 ? 2 : 8))).ToArray();
        var random = new Random(11);
        var data = Enumerable.Range(0, (int)shape.Aggregate(1L, (a, b) => a * b)).Select(_ => random.NextSingle()).ToArray();
        var input = Tensor.Create(data, [.. shape.Select(d => (nint)d)]);
        var layers = model.Layers.Where(l => l.Outputs.Count > 0 && l.Outputs[0].Length > 0).ToArray();

        // ONNX Runtime alone, every layer's value a graph output.
        var names = layers.Select(l => l.Outputs[0]).Distinct().ToArray();
        using var session = new InferenceSession(RuntimeModel.Build(model, names));
        using var value = OrtValue.CreateTensorValueFromMemory(data, shape);
        using var runOptions = new RunOptions();
        using var expected = session.Run(runOptions, [model.Input.Name], [value], names);
        var byName = names.Zip(expected).ToDictionary(p => p.First, p => p.Second);

        // A float16 graph rounds every node to 11 bits, and ONNX Runtime's float16 kernels depend on
        // which values are graph outputs; float32 graphs agree to float32 rounding.
        var tolerance = path.Contains("float16_graph", StringComparison.Ordinal) || path.Contains("float16_typed", StringComparison.Ordinal) ? 1e-3 : 1e-6;
        using var reader = model.CreateActivationReader();
        foreach (var activations in new[] { model.GetActivations(input), model.GetActivations(input), reader.Read(input), reader.Read(input) })
        {
            foreach (var layer in layers)
            {
                var want = byName[layer.Outputs[0]];
                if (want.GetTensorTypeAndShape().ElementDataType != Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float)
                {
                    continue;
                }

                var got = activations[layer];
                Assert.Equal(want.GetTensorTypeAndShape().Shape, got.Lengths.ToArray().Select(l => (long)l));
                Assert.True(
                    ActivationTests.ScaledError(got.ToArray(), want.GetTensorDataAsSpan<float>()) < tolerance,
                    $"{Path.GetFileName(path)}: layer '{layer.Name}' ({layer.OpType}) differs from ONNX Runtime's own value.");
            }
        }
    }
}

/// <summary>Layers that only reshape are served from their input's data, not fetched again.</summary>
public class ActivationAliasTests
{
    [Fact]
    public void Flatten_SharesTheMemoryOfTheLayerBeforeIt()
    {
        using var model = Model.Load(ActivationTests.LectureModel);
        var flatten = model.Layers.Single(l => l.OpType == "Flatten");
        var relu = model.Layers.Single(l => l.Outputs[0] == flatten.Inputs[0]);

        var activations = model.GetActivations(Tensor.Create(new float[2 * 784], [2, 1, 28, 28]));

        Assert.True(new ActivationAliases(model).IsAlias(flatten.Outputs[0]));
        Assert.True(TensorArrays.TryGetArray(activations[flatten], out var flat));
        Assert.True(TensorArrays.TryGetArray(activations[relu], out var before));
        Assert.Same(before, flat);
        Assert.Equal([2, 15 * 24 * 24], activations[flatten].Lengths.ToArray());
    }

    [Fact]
    public void ModelOutputsAndReshapesOfComputedShapesAreFetched()
    {
        using var model = Model.Load(ExportedFixture.Read("tf2onnx_like.expected.json").ModelPath);
        var aliases = new ActivationAliases(model);

        // Its Reshape takes a shape computed by Shape -> Gather -> Concat at run time.
        Assert.False(aliases.IsAlias(model.Layers.Single(l => l.OpType == "Reshape").Outputs[0]));
        Assert.All(model.Outputs, o => Assert.False(aliases.IsAlias(o.Name)));
    }
}
