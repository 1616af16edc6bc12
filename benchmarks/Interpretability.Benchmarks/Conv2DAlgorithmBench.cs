using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;

namespace Interpretability.Benchmarks;

/// <summary>
/// The layer algorithms on the shapes where the choice is close: one input channel per group with
/// 1 to 16 outputs per group (3x3, padding 1, "xN" = N outputs per group) (depthwise: one direct convolution per output channel, vs packed:
/// implicit GEMM over 8 output channels at a time). Sets <see cref="Conv2DPlan.DepthwiseMaxOutputsPerGroup"/>.
/// Single thread.
/// </summary>
[Config(typeof(LayerBench.LayerBenchConfig))]
public class Conv2DAlgorithmBench
{
    private Conv2DPlan _depthwise = null!, _packed = null!;
    private Tensor<float> _input = null!, _output = null!;

    [ParamsSource(nameof(Layers))]
    public LayerShape Layer { get; set; } = LayerShape.All[0];

    public static IEnumerable<LayerShape> Layers =>
    [
        new("dw 64 56 3x3 p1", 64, 64, 56, 3, 1, 1, 64),
        new("dw x2 32->64 56", 32, 64, 56, 3, 1, 1, 32),
        new("dw x4 16->64 56", 16, 64, 56, 3, 1, 1, 16),
        new("dw x8 8->64 56", 8, 64, 56, 3, 1, 1, 8),
        new("dw x16 4->64 56", 4, 64, 56, 3, 1, 1, 4),
        new("1->16 224 5x5 p2", 1, 16, 224, 5, 1, 2, 1),
    ];

    [GlobalSetup]
    public void Setup()
    {
        var l = Layer;
        var (input, weightData, biasData) = l.RandomData();
        _input = Tensor.Create(input, [.. l.InputShape.Select(d => (nint)d)]);
        var weights = Tensor.Create(weightData, [.. l.WeightShape.Select(d => (nint)d)]);
        var bias = Tensor.Create(biasData, [l.Outputs]);
        _depthwise = new Conv2DPlan(weights, bias, l.Options, algorithm: Conv2DAlgorithm.Depthwise) { MaxDegreeOfParallelism = 1 };
        _packed = new Conv2DPlan(weights, bias, l.Options, algorithm: Conv2DAlgorithm.Packed) { MaxDegreeOfParallelism = 1 };
        _output = l.CreateOutput();
    }

    [Benchmark(Baseline = true, Description = "direct per output channel")]
    public void Depthwise() => _depthwise.Run(_input, _output);

    [Benchmark(Description = "packed implicit GEMM")]
    public void Packed() => _packed.Run(_input, _output);
}
