using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;

namespace Interpretability.Benchmarks;

/// <summary>
/// The machine's single-thread FMA ceiling, for reading the convolution tables: 1,200,000 fused
/// multiply-adds in 12 independent chains (enough to hide the 4-cycle latency). One 512-bit FMA is
/// 32 floating-point operations, one 256-bit FMA 16: GFLOP/s = 38.4 / mean in ms (512-bit),
/// 19.2 / mean in ms (256-bit).
/// </summary>
/// <remarks>
/// The last four rows say what else a convolution kernel can spend beside its FMAs: the same
/// 512-bit FMAs with as many independent adds beside them (what a Winograd transform adds), with as
/// many <c>valignd</c> shuffles (what register blocks spend to build shifted taps), and with
/// each FMA's first operand loaded from L1, from 64-byte-aligned addresses and from addresses one
/// float past them (every load then crosses a cache line, as the loads of a kernel's shifted taps do).
/// </remarks>
[Config(typeof(BenchConfig))]
public class FmaPeakBench
{
    private const int Steps = 100_000;

    // 16 KB, 64-byte aligned: the loads cycle over 16 lines in each of three 4 KB-apart areas, all in L1.
    private unsafe float* _buffer;

    [GlobalSetup]
    public unsafe void Setup()
    {
        _buffer = (float*)NativeMemory.AlignedAlloc(16384 + 64, 64);
        new Span<float>(_buffer, 4096 + 16).Fill(1e-3f);
    }

    [GlobalCleanup]
    public unsafe void Cleanup() => NativeMemory.AlignedFree(_buffer);

    /// <summary>The library's own measurement loop (<see cref="SimdWidths.FullRate512"/>), 512-bit.</summary>
    [Benchmark(Baseline = true, Description = "1.2 M AVX-512 FMAs")]
    public float Vector512Fma() => SimdWidths.Fma512(Steps);

    /// <summary>The same loop at 256 bits.</summary>
    [Benchmark(Description = "1.2 M AVX2 FMAs")]
    public float Vector256Fma() => SimdWidths.Fma256(Steps);

    /// <summary>The 512-bit FMAs with 1.2 M independent 512-bit adds in twelve more chains.</summary>
    [Benchmark(Description = "1.2 M AVX-512 FMAs + 1.2 M adds")]
    public float Vector512FmaAndAdd() => FmaAndAdd512(Steps);

    /// <summary>The 512-bit FMAs with 1.2 M independent <c>valignd</c> shuffles (how register blocks build shifted taps) in twelve more chains.</summary>
    [Benchmark(Description = "1.2 M AVX-512 FMAs + 1.2 M valignd")]
    public float Vector512FmaAndAlign() => FmaAndAlign512(Steps);

    /// <summary>The 512-bit FMAs, each taking one operand from an aligned load.</summary>
    [Benchmark(Description = "1.2 M AVX-512 FMAs, aligned loads")]
    public unsafe float Vector512FmaAlignedLoads() => FmaLoads512(_buffer, Steps);

    /// <summary>The 512-bit FMAs, each taking one operand from a load that crosses a cache line.</summary>
    [Benchmark(Description = "1.2 M AVX-512 FMAs, line-crossing loads")]
    public unsafe float Vector512FmaCrossingLoads() => FmaLoads512(_buffer + 1, Steps);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float FmaAndAdd512(int steps)
    {
        var m = Vector512.Create(0.9999f);
        var b = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0 * 2, a2 = a0 * 3, a3 = a0 * 4, a4 = a0 * 5, a5 = a0 * 6;
        Vector512<float> a6 = a0 * 7, a7 = a0 * 8, a8 = a0 * 9, a9 = a0 * 10, a10 = a0 * 11, a11 = a0 * 12;
        Vector512<float> s0 = b, s1 = b * 2, s2 = b * 3, s3 = b * 4, s4 = b * 5, s5 = b * 6;
        Vector512<float> s6 = b * 7, s7 = b * 8, s8 = b * 9, s9 = b * 10, s10 = b * 11, s11 = b * 12;
        for (int i = 0; i < steps; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, b);
            s0 += b;
            a1 = Vector512.FusedMultiplyAdd(a1, m, b);
            s1 += b;
            a2 = Vector512.FusedMultiplyAdd(a2, m, b);
            s2 += b;
            a3 = Vector512.FusedMultiplyAdd(a3, m, b);
            s3 += b;
            a4 = Vector512.FusedMultiplyAdd(a4, m, b);
            s4 += b;
            a5 = Vector512.FusedMultiplyAdd(a5, m, b);
            s5 += b;
            a6 = Vector512.FusedMultiplyAdd(a6, m, b);
            s6 += b;
            a7 = Vector512.FusedMultiplyAdd(a7, m, b);
            s7 += b;
            a8 = Vector512.FusedMultiplyAdd(a8, m, b);
            s8 += b;
            a9 = Vector512.FusedMultiplyAdd(a9, m, b);
            s9 += b;
            a10 = Vector512.FusedMultiplyAdd(a10, m, b);
            s10 += b;
            a11 = Vector512.FusedMultiplyAdd(a11, m, b);
            s11 += b;
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11)
            + Vector512.Sum(s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8 + s9 + s10 + s11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float FmaAndAlign512(int steps)
    {
        var m = Vector512.Create(0.9999f);
        var b = Vector512.Create(1e-7f);
        var u = Vector512.Create(3u);
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0 * 2, a2 = a0 * 3, a3 = a0 * 4, a4 = a0 * 5, a5 = a0 * 6;
        Vector512<float> a6 = a0 * 7, a7 = a0 * 8, a8 = a0 * 9, a9 = a0 * 10, a10 = a0 * 11, a11 = a0 * 12;
        Vector512<uint> s0 = Vector512.Create(1u), s1 = s0 * 2, s2 = s0 * 3, s3 = s0 * 4, s4 = s0 * 5, s5 = s0 * 6;
        Vector512<uint> s6 = s0 * 7, s7 = s0 * 8, s8 = s0 * 9, s9 = s0 * 10, s10 = s0 * 11, s11 = s0 * 12;
        for (int i = 0; i < steps; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, b);
            s0 = Avx512F.AlignRight32(s0, u, 3);
            a1 = Vector512.FusedMultiplyAdd(a1, m, b);
            s1 = Avx512F.AlignRight32(s1, u, 3);
            a2 = Vector512.FusedMultiplyAdd(a2, m, b);
            s2 = Avx512F.AlignRight32(s2, u, 3);
            a3 = Vector512.FusedMultiplyAdd(a3, m, b);
            s3 = Avx512F.AlignRight32(s3, u, 3);
            a4 = Vector512.FusedMultiplyAdd(a4, m, b);
            s4 = Avx512F.AlignRight32(s4, u, 3);
            a5 = Vector512.FusedMultiplyAdd(a5, m, b);
            s5 = Avx512F.AlignRight32(s5, u, 3);
            a6 = Vector512.FusedMultiplyAdd(a6, m, b);
            s6 = Avx512F.AlignRight32(s6, u, 3);
            a7 = Vector512.FusedMultiplyAdd(a7, m, b);
            s7 = Avx512F.AlignRight32(s7, u, 3);
            a8 = Vector512.FusedMultiplyAdd(a8, m, b);
            s8 = Avx512F.AlignRight32(s8, u, 3);
            a9 = Vector512.FusedMultiplyAdd(a9, m, b);
            s9 = Avx512F.AlignRight32(s9, u, 3);
            a10 = Vector512.FusedMultiplyAdd(a10, m, b);
            s10 = Avx512F.AlignRight32(s10, u, 3);
            a11 = Vector512.FusedMultiplyAdd(a11, m, b);
            s11 = Avx512F.AlignRight32(s11, u, 3);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11)
            + Vector512.Sum(s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8 + s9 + s10 + s11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe float FmaLoads512(float* p, int steps)
    {
        var m = Vector512.Create(0.9999f);
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0 * 2, a2 = a0 * 3, a3 = a0 * 4, a4 = a0 * 5, a5 = a0 * 6;
        Vector512<float> a6 = a0 * 7, a7 = a0 * 8, a8 = a0 * 9, a9 = a0 * 10, a10 = a0 * 11, a11 = a0 * 12;
        for (int i = 0; i < steps; i++)
        {
            float* q = p + ((i & 3) * 64);
            a0 = Vector512.FusedMultiplyAdd(Vector512.Load(q), m, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Load(q + 16), m, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Load(q + 32), m, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Load(q + 48), m, a3);
            a4 = Vector512.FusedMultiplyAdd(Vector512.Load(q + 1024), m, a4);
            a5 = Vector512.FusedMultiplyAdd(Vector512.Load(q + 1040), m, a5);
            a6 = Vector512.FusedMultiplyAdd(Vector512.Load(q + 1056), m, a6);
            a7 = Vector512.FusedMultiplyAdd(Vector512.Load(q + 1072), m, a7);
            a8 = Vector512.FusedMultiplyAdd(Vector512.Load(q + 2048), m, a8);
            a9 = Vector512.FusedMultiplyAdd(Vector512.Load(q + 2064), m, a9);
            a10 = Vector512.FusedMultiplyAdd(Vector512.Load(q + 2080), m, a10);
            a11 = Vector512.FusedMultiplyAdd(Vector512.Load(q + 2096), m, a11);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
