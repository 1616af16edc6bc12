using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using Interpretability.Testing;
using Microsoft.ML.OnnxRuntime;

namespace Interpretability.Benchmarks;

/// <summary>
/// Whole Conv layers, single thread: ours (a <see cref="Conv2DPlan"/> built once, run into a
/// preallocated output) against ONNX Runtime (session and OrtValues made in setup, one intra-op
/// thread, spinning off). Ratio is time / ORT with ORT_ENABLE_ALL (its fastest: NCHWc kernels).
/// </summary>
[Config(typeof(LayerBenchConfig))]
public class LayerBench
{
    private Conv2DPlan _plan = null!;
    private Tensor<float> _input = null!, _output = null!;
    private InferenceSession _ortAll = null!, _ortExtended = null!;
    private OrtValue[] _ortInputs = [], _ortOutputs = [];
    private RunOptions _runOptions = null!;
    private readonly string[] _inputNames = ["X"], _outputNames = ["Y"];

    [ParamsSource(nameof(Layers))]
    public LayerShape Layer { get; set; } = LayerShape.All[0];

    public static IEnumerable<LayerShape> Layers => LayerShape.All;

    [GlobalSetup]
    public void Setup()
    {
        var l = Layer;
        var (input, weights, bias) = l.RandomData();
        _input = Tensor.Create(input, [.. l.InputShape.Select(d => (nint)d)]);
        _plan = new Conv2DPlan(Tensor.Create(weights, [.. l.WeightShape.Select(d => (nint)d)]), Tensor.Create(bias, [l.Outputs]), l.Options) { MaxDegreeOfParallelism = 1 };
        _output = l.CreateOutput();

        var model = OnnxConvModel.Build(l.InputShape, weights, l.WeightShape, bias, l.Options);
        using (var all = OnnxConvModel.SingleThread(GraphOptimizationLevel.ORT_ENABLE_ALL))
        {
            _ortAll = new InferenceSession(model, all);
        }

        using (var extended = OnnxConvModel.SingleThread(GraphOptimizationLevel.ORT_ENABLE_EXTENDED))
        {
            _ortExtended = new InferenceSession(model, extended);
        }

        _ortInputs = [OrtValue.CreateTensorValueFromMemory(input, l.InputShape)];
        _ortOutputs = [OrtValue.CreateTensorValueFromMemory(new float[_output.FlattenedLength], l.OutputShape)];
        _runOptions = new RunOptions();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ortAll.Dispose();
        _ortExtended.Dispose();
        _ortInputs[0].Dispose();
        _ortOutputs[0].Dispose();
        _runOptions.Dispose();
    }

    [Benchmark(Baseline = true, Description = "ORT Conv (ENABLE_ALL)")]
    public void OrtAll() => _ortAll.Run(_runOptions, _inputNames, _ortInputs, _outputNames, _ortOutputs);

    [Benchmark(Description = "ORT Conv (ENABLE_EXTENDED)")]
    public void OrtExtended() => _ortExtended.Run(_runOptions, _inputNames, _ortInputs, _outputNames, _ortOutputs);

    [Benchmark(Description = "Conv2DPlan (ours)")]
    public void Ours() => _plan.Run(_input, _output);

    /// <summary><see cref="BenchConfig"/> plus the GFLOP/s column.</summary>
    public sealed class LayerBenchConfig : BenchmarkDotNet.Configs.ManualConfig
    {
        public LayerBenchConfig()
        {
            Add(new BenchConfig());
            AddColumn(new GflopsColumn());
        }
    }
}
