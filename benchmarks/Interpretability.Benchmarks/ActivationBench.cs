using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;

namespace Interpretability.Benchmarks;

/// <summary>
/// The activations of every layer in one call, against one plain ONNX Runtime forward pass of the
/// unmodified model with the same input and the same session settings (one intra-op thread,
/// spinning off, the graph optimization level of the row). Target: at most 1.3 times the plain pass.
/// Both levels are measured because they differ where it matters: at <c>All</c> ONNX Runtime turns
/// convolutions to a blocked channel layout (NCHWc), which speeds up the plain pass but costs a
/// reorder for every layer output that leaves the graph. GetActivations
/// returns new tensors (their memory is part of the cost); ActivationReader reuses its buffers.
/// </summary>
[Config(typeof(BenchConfig))]
public class ActivationBench
{
    private Model _model = null!;
    private Tensor<float> _input = null!;
    private InferenceSession _plain = null!;
    private RunOptions _runOptions = null!;
    private OrtValue _plainInput = null!;
    private string _inputName = null!;
    private string[] _outputNames = null!;
    private ActivationReader _reader = null!;

    /// <summary>The model and batch: the lecture's Fashion-MNIST CNN, and SqueezeNet 1.1 at 224x224.</summary>
    [Params("fashion_cnn x1", "fashion_cnn x64", "squeezenet1_1 x1")]
    public string Case { get; set; } = "fashion_cnn x1";

    /// <summary>ONNX Runtime's graph optimization level, the same for our sessions and the plain one.</summary>
    [Params(GraphOptimization.All, GraphOptimization.Extended)]
    public GraphOptimization Level { get; set; } = GraphOptimization.All;

    [GlobalSetup]
    public void Setup()
    {
        var (path, batch) = Case switch
        {
            "fashion_cnn x1" => (ModelFiles.Lecture, 1),
            "fashion_cnn x64" => (ModelFiles.Lecture, 64),
            _ => (ModelFiles.SqueezeNet, 1),
        };
        var runtime = new RuntimeOptions { IntraOpThreads = 1, InterOpThreads = 1, AllowSpinning = false, Optimization = Level };
        _model = Model.Load(path, new ModelLoadOptions { Runtime = runtime });
        var shape = _model.Input.Shape!.Select((d, i) => i == 0 ? batch : d!.Value).ToArray();
        var random = new Random(42);
        var values = new float[shape.Aggregate(1, (a, b) => a * b)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = random.NextSingle();
        }

        _input = Tensor.Create(values, [.. shape.Select(d => (nint)d)]);

        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            GraphOptimizationLevel = Level == GraphOptimization.All ? GraphOptimizationLevel.ORT_ENABLE_ALL : GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        _plain = new InferenceSession(File.ReadAllBytes(path), options);
        _runOptions = new RunOptions();
        _inputName = _model.Input.Name;
        _outputNames = [.. _plain.OutputNames];
        _plainInput = OrtValue.CreateTensorValueFromMemory(values, [.. shape.Select(d => (long)d)]);

        // Create the cached sessions, and the reader's buffers, outside the measurement.
        _model.GetActivations(_input);
        _model.GetActivations(_input);
        _model.Run(_input);
        _model.Run(_input);
        _reader = _model.CreateActivationReader();
        _reader.Read(_input);
        _reader.Read(_input);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _reader.Dispose();
        _model.Dispose();
        _plain.Dispose();
        _runOptions.Dispose();
        _plainInput.Dispose();
    }

    /// <summary>ONNX Runtime alone: one forward pass of the unmodified model, results read as spans.</summary>
    [Benchmark(Baseline = true, Description = "ONNX Runtime forward pass")]
    public float PlainForwardPass()
    {
        using var results = _plain.Run(_runOptions, [_inputName], [_plainInput], _outputNames);
        return results[0].GetTensorDataAsSpan<float>()[0];
    }

    /// <summary>Ours: the model's output through Model.Run.</summary>
    [Benchmark(Description = "Model.Run")]
    public float ModelRun() => _model.Run(_input).GetSpan([0, 0], 1)[0];

    /// <summary>Ours: every layer's activation, copied into caller-owned tensors.</summary>
    [Benchmark(Description = "GetActivations (all layers)")]
    public int AllActivations() => _model.GetActivations(_input).Count;

    /// <summary>Ours: every layer's activation, written by ONNX Runtime into buffers the reader keeps from run to run.</summary>
    [Benchmark(Description = "ActivationReader.Read (all layers)")]
    public int AllActivationsReused() => _reader.Read(_input).Count;
}
