using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
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

    [Benchmark(Baseline = true, Description = "1.2 M AVX-512 FMAs")]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Vector512Fma()
    {
        var a0 = Vector512.Create(1f);
        Vector512<float> a1 = a0 * 2, a2 = a0 * 3, a3 = a0 * 4, a4 = a0 * 5, a5 = a0 * 6, a6 = a0 * 7, a7 = a0 * 8, a8 = a0 * 9, a9 = a0 * 10, a10 = a0 * 11, a11 = a0 * 12;
        Vector512<float> m = Vector512.Create(0.9999f), b = Vector512.Create(1e-7f);
        for (int i = 0; i < Steps; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, b);
            a1 = Vector512.FusedMultiplyAdd(a1, m, b);
            a2 = Vector512.FusedMultiplyAdd(a2, m, b);
            a3 = Vector512.FusedMultiplyAdd(a3, m, b);
            a4 = Vector512.FusedMultiplyAdd(a4, m, b);
            a5 = Vector512.FusedMultiplyAdd(a5, m, b);
            a6 = Vector512.FusedMultiplyAdd(a6, m, b);
            a7 = Vector512.FusedMultiplyAdd(a7, m, b);
            a8 = Vector512.FusedMultiplyAdd(a8, m, b);
            a9 = Vector512.FusedMultiplyAdd(a9, m, b);
            a10 = Vector512.FusedMultiplyAdd(a10, m, b);
            a11 = Vector512.FusedMultiplyAdd(a11, m, b);
        }

        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).GetElement(0);
    }

    [Benchmark(Description = "1.2 M AVX2 FMAs")]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Vector256Fma()
    {
        var a0 = Vector256.Create(1f);
        Vector256<float> a1 = a0 * 2, a2 = a0 * 3, a3 = a0 * 4, a4 = a0 * 5, a5 = a0 * 6, a6 = a0 * 7, a7 = a0 * 8, a8 = a0 * 9, a9 = a0 * 10, a10 = a0 * 11, a11 = a0 * 12;
        Vector256<float> m = Vector256.Create(0.9999f), b = Vector256.Create(1e-7f);
        for (int i = 0; i < Steps; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, b);
            a1 = Vector256.FusedMultiplyAdd(a1, m, b);
            a2 = Vector256.FusedMultiplyAdd(a2, m, b);
            a3 = Vector256.FusedMultiplyAdd(a3, m, b);
            a4 = Vector256.FusedMultiplyAdd(a4, m, b);
            a5 = Vector256.FusedMultiplyAdd(a5, m, b);
            a6 = Vector256.FusedMultiplyAdd(a6, m, b);
            a7 = Vector256.FusedMultiplyAdd(a7, m, b);
            a8 = Vector256.FusedMultiplyAdd(a8, m, b);
            a9 = Vector256.FusedMultiplyAdd(a9, m, b);
            a10 = Vector256.FusedMultiplyAdd(a10, m, b);
            a11 = Vector256.FusedMultiplyAdd(a11, m, b);
        }

        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).GetElement(0);
    }
}
