using System.Runtime.InteropServices;
using Google.Protobuf;
using Interpretability.Onnx.Schema;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;
using static Interpretability.Tests.Onnx.OnnxBuilder;

namespace Interpretability.Tests.Activations;

/// <summary>
/// Activations read through ONNX Runtime against outside oracles: PyTorch's own activations of the
/// lecture model, the exporters' sample outputs, and a plain ONNX Runtime run of the unmodified model.
/// </summary>
public class ActivationTests(ITestOutputHelper output)
{
    internal static readonly string LectureModel = Path.Combine(TestPaths.RepositoryRoot, "samples", "FashionMnistLecture", "model", "fashion_cnn.onnx");

    internal static Tensor<float> ReadTensor(string file, params nint[] lengths) =>
        Tensor.Create(MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(file)).ToArray(), lengths);

    /// <summary>Largest absolute difference divided by max(1, largest magnitude of the reference).</summary>
    internal static double ScaledError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        double scale = 1;
        for (var i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }

        return worst / scale;
    }

    [Fact]
    public void GetActivations_MatchesPyTorchOnTheLectureModel()
    {
        using var model = Model.Load(LectureModel);
        var folder = TestPaths.Data("fashion");
        var input = ReadTensor(Path.Combine(folder, "fashion_input_0-7.f32"), 8, 1, 28, 28);

        var activations = model.GetActivations(input, "/conv1/Conv", "/conv2/Conv");

        var conv1 = ScaledError(activations["/conv1/Conv"].ToArray(), ReadTensor(Path.Combine(folder, "fashion_conv1_0-7.f32"), 8, 5, 26, 26).ToArray());
        var conv2 = ScaledError(activations["/conv2/Conv"].ToArray(), ReadTensor(Path.Combine(folder, "fashion_conv2_0-7.f32"), 8, 15, 24, 24).ToArray());
        var probabilities = ScaledError(activations.Outputs[0].ToArray(), ReadTensor(Path.Combine(folder, "fashion_probabilities_0-7.f32"), 8, 10).ToArray());
        output.WriteLine($"scaled error vs PyTorch: conv1 {conv1:E2}, conv2 {conv2:E2}, probabilities {probabilities:E2}");

        Assert.Equal([8, 5, 26, 26], activations["/conv1/Conv"].Lengths.ToArray());
        Assert.True(conv1 < 1e-5 && conv2 < 1e-5 && probabilities < 1e-5);
    }

    [Fact]
    public void GetActivations_OfAllLayersKeepsTheModelsOutputIdenticalToAPlainOnnxRuntimeRun()
    {
        using var model = Model.Load(LectureModel);
        var input = ReadTensor(Path.Combine(TestPaths.Data("fashion"), "fashion_input_0-7.f32"), 8, 1, 28, 28);

        var activations = model.GetActivations(input);
        var plain = PlainRun(File.ReadAllBytes(LectureModel), "image", input.ToArray(), [8, 1, 28, 28]);

        var error = ScaledError(activations.Outputs[0].ToArray(), plain);
        output.WriteLine($"scaled error vs a plain ONNX Runtime run: {error:E2}");
        Assert.True(error < 1e-6);
        Assert.Equal(model.Layers.Count, activations.Count);
        Assert.Equal(model.Layers, activations.Keys);
        Assert.Equal(plain, model.Run(input).ToArray());
    }

    /// <summary>ONNX Runtime on the unmodified model bytes, nothing of this library involved.</summary>
    internal static float[] PlainRun(byte[] modelBytes, string inputName, float[] input, long[] shape)
    {
        using var session = new InferenceSession(modelBytes);
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [inputName], [value], [session.OutputNames[0]]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public static TheoryData<string> Fixtures() => [.. ExportedFixture.All()];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Run_ReproducesTheExportersSampleOutput(string json)
    {
        var fixture = ExportedFixture.Read(json);
        Assert.NotNull(fixture.Sample);
        using var model = Model.Load(fixture.ModelPath);
        var sample = fixture.Sample;
        var input = Tensor.Create(fixture.ReadFloats(sample.InputFile), [.. sample.InputShape.Select(d => (nint)d)]);

        var result = model.Run(input);

        Assert.Equal(sample.OutputShape, result.Lengths.ToArray().Select(l => (long)l));
        var error = ScaledError(result.ToArray(), fixture.ReadFloats(sample.OutputFile));
        // float16 graphs round every node to 11 significant bits; the others compute in float32.
        var tolerance = fixture.Model.Contains("float16_graph", StringComparison.Ordinal) || fixture.Model.Contains("float16_typed", StringComparison.Ordinal) ? 1e-3 : 1e-5;
        output.WriteLine($"{fixture.Model}: scaled error vs the exporter's output {error:E2} (tolerance {tolerance:E0})");
        Assert.True(error <= tolerance, $"{fixture.Model}: scaled error {error:E2} > {tolerance:E0}");
    }

    [Fact]
    public void GetActivations_GivesTheSameValuesOnEveryRunWhenALayerWritesAGraphOutput()
    {
        // Found by the concurrency tests: the last layer writes the model's output, so the run fetched
        // that value twice; from the second run on, ONNX Runtime wrote it into one of the two bound
        // arrays and the other kept whatever memory it was given.
        using var model = Model.Load(LectureModel);
        var input = ReadTensor(Path.Combine(TestPaths.Data("fashion"), "fashion_input_0-7.f32"), 8, 1, 28, 28);
        var last = model.Layers[^1];
        Assert.Equal(model.Outputs[0].Name, last.Outputs[0]);

        var first = model.GetActivations(input);
        for (var run = 0; run < 3; run++)
        {
            var again = model.GetActivations(input);
            Assert.Equal(first[last].ToArray(), again[last].ToArray());
            Assert.Equal(first.Outputs[0].ToArray(), again.Outputs[0].ToArray());
            Assert.NotSame(again[last], again.Outputs[0]);
        }
    }

    [Fact]
    public void GetActivations_AcceptsOneImageWithoutTheBatchAxis()
    {
        using var model = Model.Load(LectureModel);
        var batch = ReadTensor(Path.Combine(TestPaths.Data("fashion"), "fashion_input_0-7.f32"), 8, 1, 28, 28);
        var first = Tensor.Create(batch.ToArray()[..784], [1, 28, 28]);

        var one = model.GetActivations(first, model.Layers[0]);
        var all = model.GetActivations(batch, model.Layers[0]);

        Assert.Equal([1, 5, 26, 26], one[model.Layers[0]].Lengths.ToArray());
        Assert.Equal(all[model.Layers[0]].ToArray()[..(5 * 26 * 26)], one[model.Layers[0]].ToArray());
    }

    [Fact]
    public void GetActivations_RejectsWrongShapesNamingBothShapes()
    {
        using var model = Model.Load(LectureModel);

        var rank = Assert.Throws<ArgumentException>(() => model.Run(Tensor.Create(new float[28 * 28], [28, 28])));
        Assert.Contains("[28, 28]", rank.Message, StringComparison.Ordinal);
        Assert.Contains("[batch, 1, 28, 28]", rank.Message, StringComparison.Ordinal);

        var channels = Assert.Throws<ArgumentException>(() => model.Run(Tensor.Create(new float[3 * 28 * 28], [1, 3, 28, 28])));
        Assert.Contains("needs 1 along channels", channels.Message, StringComparison.Ordinal);

        var size = Assert.Throws<ArgumentException>(() => model.Run(Tensor.Create(new float[32 * 32], [1, 1, 32, 32])));
        Assert.Contains("needs 28 along axis 2", size.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetActivations_ListsValidLayerNamesForAnUnknownOne()
    {
        using var model = Model.Load(LectureModel);

        var ex = Assert.Throws<ArgumentException>(() => model.GetActivations(Tensor.Create(new float[784], [1, 1, 28, 28]), "conv1"));

        Assert.Contains("'conv1'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'/conv1/Conv'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetActivations_RejectsALayerOfAnotherModel()
    {
        using var first = Model.Load(LectureModel);
        using var second = Model.Load(LectureModel);

        Assert.Throws<ArgumentException>(() => first.GetActivations(Tensor.Create(new float[784], [1, 1, 28, 28]), second.Layers[0]));
        Assert.Equal("layers", Assert.Throws<ArgumentException>(() => first.GetActivations(Tensor.Create(new float[784], [1, 1, 28, 28]), first.Layers[0], null!)).ParamName);
    }

    [Fact]
    public void Run_FeedsAOneElementTensorToAScalarInput()
    {
        // A Tensor<float> has rank 1 or more, so a model with a rank-0 input could not be run at all.
        var proto = Model(Graph([Node("Neg", ["x"], ["y"], "negate")], inputs: [Value("x")], outputs: [Value("y")]));
        using var model = Load(proto);

        var result = model.Run(Tensor.Create([2.5f], [1]));

        Assert.Equal([-2.5f], result.ToArray());
        Assert.Equal([1], result.Lengths.ToArray());
        Assert.Throws<ArgumentException>(() => model.Run(Tensor.Create([1f, 2f], [2])));
    }

    [Fact]
    public void GetActivations_OfALayerThatWritesNoValueIsNotAnIndexError()
    {
        // Found by the fuzzer: one flipped bit removed GlobalMaxPool's output name, and reading the
        // layer's first output threw IndexOutOfRangeException. ONNX Runtime refuses such a node.
        var proto = Model(Graph(
            [Node("Relu", ["x"], ["y"], "relu"), Node("GlobalMaxPool", ["x"], [], "pool")],
            inputs: [Value("x", 1, 1, 2, 2)],
            outputs: [Value("y", 1, 1, 2, 2)]));
        using var model = Load(proto);
        var input = Tensor.Create(new float[4], [1, 1, 2, 2]);

        Assert.Equal([], model.Layers[1].Outputs);
        Assert.Throws<ModelExecutionException>(() => model.GetActivations(input));
        Assert.Throws<ModelExecutionException>(() => model.GetActivations(input, model.Layers[1]));
    }

    [Fact]
    public void Run_RejectsANonFloatInput()
    {
        using var model = Model.Load(Path.Combine(TestPaths.Data("onnx-backend"), "node", "test_maxpool_2d_uint8", "model.onnx"));

        var ex = Assert.Throws<UnsupportedModelException>(() => model.Run(Tensor.Create(new float[25], [1, 1, 5, 5])));
        Assert.Contains("UINT8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_WrapsOnnxRuntimesRefusalKeepingItsMessage()
    {
        var proto = Model(Graph([Node("NoSuchOperator", ["x"], ["y"], "mystery")], inputs: [Value("x", 1, 4)], outputs: [Value("y", 1, 4)]));
        using var model = Load(proto);

        var ex = Assert.Throws<ModelExecutionException>(() => model.Run(Tensor.Create(new float[4], [1, 4])));

        Assert.Contains("NoSuchOperator", ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<OnnxRuntimeException>(ex.InnerException);
    }

    /// <summary>Models whose activation would take terabytes (or overflow ONNX Runtime's size arithmetic) for x [1, 1, 2, 2].</summary>
    private static ModelProto AbsurdActivation(string node) => node switch
    {
        "pad" => Model(Graph([Node("Pad", ["x"], ["y"], "pad", Ints("pads", 0, 0, 0, 0, 0, 0, 1 << 30, 1 << 30))], inputs: [Value("x", 1, 1, 2, 2)], outputs: [Value("y")]), opset: 10),
        "expand" => Model(Graph([Node("Expand", ["x", "s"], ["y"], "expand")], [Int64s("s", [4], [100_000, 100_000, 100_000, 2])], [Value("x", 1, 1, 2, 2)], [Value("y")])),
        "tile" => Model(Graph([Node("Tile", ["x", "r"], ["y"], "tile")], [Int64s("r", [4], [1, 1, 1 << 20, 1 << 20])], [Value("x", 1, 1, 2, 2)], [Value("y")])),
        _ => Model(Graph(
            [Node("ConstantOfShape", ["s"], ["c"], "constantofshape"), Node("Add", ["x", "c"], ["y"], "add")],
            [Int64s("s", [4], [1L << 20, 1L << 20, 2, 2])],
            [Value("x", 1, 1, 2, 2)],
            [Value("y")])),
    };

    [Theory]
    [InlineData("pad")]
    [InlineData("expand")]
    [InlineData("tile")]
    [InlineData("constantofshape")]
    public void Run_RefusesAnActivationBeyondTheTensorLimitBeforeOnnxRuntimeSeesTheModel(string node)
    {
        using var model = Load(AbsurdActivation(node));

        var ex = Assert.Throws<ModelLimitExceededException>(() => model.Run(Tensor.Create(new float[4], [1, 1, 2, 2])));

        Assert.Null(ex.InnerException); // refused by the library's own shape check, not by ONNX Runtime
        Assert.Contains($"'{node}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxTensorBytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_WrapsOnnxRuntimesAllocationFailureWhereTheShapeDependsOnTheInput()
    {
        // The target shape is the input's values, known only when the model runs: ONNX Runtime's
        // refusal to allocate 10^15 floats comes back as ModelExecutionException with its message.
        var proto = Model(Graph(
            [Node("Cast", ["x"], ["s"], "to_int64", Int("to", 7)), Node("Expand", ["x", "s"], ["y"], "expand")],
            inputs: [Value("x", 3)],
            outputs: [Value("y")]));
        using var model = Load(proto);

        var ex = Assert.Throws<ModelExecutionException>(() => model.Run(Tensor.Create([100_000f, 100_000f, 100_000f], [3])));

        Assert.Contains("expand", ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<OnnxRuntimeException>(ex.InnerException);
    }

    [Theory]
    [InlineData(-1L, "Missing opset")]
    [InlineData(1000L, "1000")]
    public void Run_WrapsOnnxRuntimesRefusalOfAMissingOrUnknownOpset(long opset, string expected)
    {
        var proto = Model(Graph([Node("Relu", ["x"], ["y"], "relu")], inputs: [Value("x", 1, 4)], outputs: [Value("y", 1, 4)]), opset: opset);
        if (opset < 0)
        {
            proto.OpsetImport.Clear();
        }

        using var model = Load(proto);

        var ex = Assert.Throws<ModelExecutionException>(() => model.Run(Tensor.Create(new float[4], [1, 4])));

        Assert.Contains("refused the model", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ReadsExternalDataItselfSoOnnxRuntimeOpensNoFile()
    {
        var fixture = ExportedFixture.Read(Path.Combine("external", "tiny_cnn_external_offsets.expected.json"));
        var bytes = File.ReadAllBytes(fixture.ModelPath);
        using var model = Model.Load(bytes, fixture.Folder);
        var sample = fixture.Sample!;

        var result = model.Run(Tensor.Create(fixture.ReadFloats(sample.InputFile), [.. sample.InputShape.Select(d => (nint)d)]));

        Assert.True(ScaledError(result.ToArray(), fixture.ReadFloats(sample.OutputFile)) < 1e-5);
    }

    [Fact]
    public void GetActivations_GivesTheSameResultsOnManyThreadsAtOnce()
    {
        using var model = Model.Load(LectureModel);
        var input = ReadTensor(Path.Combine(TestPaths.Data("fashion"), "fashion_input_0-7.f32"), 8, 1, 28, 28);
        var reference = model.GetActivations(input);

        var results = new float[16][][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i =>
        {
            var layers = i % 2 == 0 ? model.Layers : [model.Layers[0], model.Layers[2]];
            var activations = model.GetActivations(input, layers);
            results[i] = [.. layers.Select(l => activations[l].ToArray())];
        });

        for (var i = 0; i < results.Length; i++)
        {
            var layers = i % 2 == 0 ? model.Layers : [model.Layers[0], model.Layers[2]];
            for (var j = 0; j < layers.Count; j++)
            {
                Assert.Equal(reference[layers[j]].ToArray(), results[i][j]);
            }
        }
    }

    [Fact]
    public async Task Dispose_WhileRunsAreInProgressLetsThemFinishAndRefusesNewOnes()
    {
        var model = Model.Load(LectureModel);
        var input = Tensor.Create(new float[16 * 784], [16, 1, 28, 28]);
        var completed = 0;
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            while (true)
            {
                try
                {
                    Assert.Equal(model.Layers.Count, model.GetActivations(input).Count);
                    Interlocked.Increment(ref completed);
                }
                catch (ObjectDisposedException)
                {
                    return; // refused after Dispose, as documented
                }
            }
        })).ToArray();
        while (Volatile.Read(ref completed) < 8)
        {
            await Task.Delay(1);
        }

        model.Dispose();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));

        output.WriteLine($"{completed} runs completed on 4 threads before Dispose stopped them");
        Assert.Throws<ObjectDisposedException>(() => model.Run(input));
        Assert.Equal([5, 1, 3, 3], model.Layers[0].GetWeights().Kernel.Lengths.ToArray());
    }
}
