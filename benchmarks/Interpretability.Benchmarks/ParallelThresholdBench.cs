using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;

namespace Interpretability.Benchmarks;

/// <summary>
/// Multiply-adds (M = millions) and shape in the row names: 3x3 kernels, padding 1, "dw" = depthwise.
/// One thread against two on layers of growing size, to place <see cref="Conv2DPlan.ParallelMinMultiplyAdds"/>:
/// below it Parallel.For's cost (and, where two vCPUs share one core's FPUs, the sharing) eats the gain.
/// </summary>
[Config(typeof(LayerBench.LayerBenchConfig))]
public class ParallelThresholdBench
{
    private Conv2DPlan _one = null!, _two = null!;
    private Tensor<float> _input = null!, _output = null!;

    [ParamsSource(nameof(Layers))]
    public LayerShape Layer { get; set; } = LayerShape.All[0];

    public static IEnumerable<LayerShape> Layers =>
    [
        new("0.5M: 32>32 7", 32, 32, 7, 3, 1, 1, 1),
        new("1.8M: 32>32 14", 32, 32, 14, 3, 1, 1, 1),
        new("7.2M: 64>64 14", 64, 64, 14, 3, 1, 1, 1),
        new("29M: 64>64 28", 64, 64, 28, 3, 1, 1, 1),
        new("116M: 64>64 56", 64, 64, 56, 3, 1, 1, 1),
        new("1.8M: dw64 56", 64, 64, 56, 3, 1, 1, 64),
        new("7.2M: dw64 112", 64, 64, 112, 3, 1, 1, 64),
    ];

    [GlobalSetup]
    public void Setup()
    {
        var l = Layer;
        var (input, weightData, biasData) = l.RandomData();
        _input = Tensor.Create(input, [.. l.InputShape.Select(d => (nint)d)]);
        var weights = Tensor.Create(weightData, [.. l.WeightShape.Select(d => (nint)d)]);
        var bias = Tensor.Create(biasData, [l.Outputs]);
        _one = new Conv2DPlan(weights, bias, l.Options) { MaxDegreeOfParallelism = 1 };
        _two = new Conv2DPlan(weights, bias, l.Options) { MaxDegreeOfParallelism = 2, ParallelThreshold = 1 };
        _output = l.CreateOutput();
    }

    [Benchmark(Baseline = true, Description = "1 thread")]
    public void OneThread() => _one.Run(_input, _output);

    [Benchmark(Description = "2 threads")]
    public void TwoThreads() => _two.Run(_input, _output);
}
