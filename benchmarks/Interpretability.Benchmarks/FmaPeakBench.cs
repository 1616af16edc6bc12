using BenchmarkDotNet.Attributes;

namespace Interpretability.Benchmarks;

/// <summary>
/// The machine's single-thread FMA ceiling, for reading the convolution tables: 1,200,000 fused
/// multiply-adds in 12 independent chains (enough to hide the 4-cycle latency). One 512-bit FMA is
/// 32 floating-point operations, one 256-bit FMA 16: GFLOP/s = 38.4 / mean in ms (512-bit),
/// 19.2 / mean in ms (256-bit).
/// </summary>
[Config(typeof(BenchConfig))]
public class FmaPeakBench
{
    private const int Steps = 100_000;

    /// <summary>The library's own measurement loop (<see cref="SimdWidths.FullRate512"/>), 512-bit.</summary>
    [Benchmark(Baseline = true, Description = "1.2 M AVX-512 FMAs")]
    public float Vector512Fma() => SimdWidths.Fma512(Steps);

    /// <summary>The same loop at 256 bits.</summary>
    [Benchmark(Description = "1.2 M AVX2 FMAs")]
    public float Vector256Fma() => SimdWidths.Fma256(Steps);
}
