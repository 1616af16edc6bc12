using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Interpretability;

/// <summary>
/// The few vector operations the convolution kernels need, implemented once per width
/// (<see cref="Convolution.Vector512Ops"/>, <see cref="Convolution.Vector256Ops"/>,
/// <see cref="Convolution.Vector128Ops"/>, <see cref="Convolution.ScalarOps"/>). Kernels are written
/// once as generic methods over a struct implementing this interface; the JIT compiles one
/// specialised copy per width with every call inlined, so the vectors stay real
/// <c>Vector512&lt;float&gt;</c> registers (the pattern System.Numerics.Tensors uses internally).
/// </summary>
/// <typeparam name="TVec">The vector type (<c>float</c> for the scalar path).</typeparam>
internal interface IVectorOps<TVec>
    where TVec : struct
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }

    /// <summary>Loads <see cref="Count"/> floats from <paramref name="source"/> (no alignment needed).</summary>
    static abstract unsafe TVec Load(float* source);

    /// <summary>Stores <see cref="Count"/> floats to <paramref name="destination"/> (no alignment needed).</summary>
    static abstract unsafe void Store(TVec value, float* destination);

    /// <summary>Every lane set to <paramref name="value"/>.</summary>
    static abstract TVec Broadcast(float value);

    /// <summary><c>a * b + c</c>, fused where the hardware has FMA.</summary>
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec c);

    /// <summary><c>a + b</c>.</summary>
    static abstract TVec Add(TVec a, TVec b);

    /// <summary>Bitwise <c>a &amp; mask</c>: keeps the lanes whose mask has all bits set, zeroes those whose mask is zero.</summary>
    static abstract TVec And(TVec a, TVec mask);
}

/// <summary>The SIMD width a kernel runs at, chosen once per call.</summary>
internal enum SimdWidth
{
    /// <summary>One float at a time (no usable vector hardware, or rows narrower than four pixels).</summary>
    Scalar = 1,

    /// <summary>Four floats: SSE, or AdvSimd on Arm.</summary>
    Vector128 = 4,

    /// <summary>Eight floats: AVX2.</summary>
    Vector256 = 8,

    /// <summary>Sixteen floats: AVX-512.</summary>
    Vector512 = 16,
}

/// <summary>Chooses the SIMD width for a call.</summary>
internal static class SimdWidths
{
    /// <summary>The widest width the hardware accelerates.</summary>
    public static SimdWidth Best { get; } =
        System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? SimdWidth.Vector512
        : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? SimdWidth.Vector256
        : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? SimdWidth.Vector128
        : SimdWidth.Scalar;

    /// <summary>Every width this machine can run, widest first; tests run each of them.</summary>
    public static IReadOnlyList<SimdWidth> Supported { get; } =
        [.. new[] { SimdWidth.Vector512, SimdWidth.Vector256, SimdWidth.Vector128, SimdWidth.Scalar }.Where(w => w <= Best)];

    /// <summary>
    /// The widest width not above <paramref name="max"/> whose vector fits in a row of
    /// <paramref name="rowLength"/> outputs, so that the last vector of a row can overlap the one
    /// before it instead of needing a scalar tail.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdWidth ForRow(SimdWidth max, int rowLength)
    {
        var width = max;
        while (width > SimdWidth.Scalar && (int)width > rowLength)
        {
            width = width == SimdWidth.Vector512 ? SimdWidth.Vector256 : width == SimdWidth.Vector256 ? SimdWidth.Vector128 : SimdWidth.Scalar;
        }

        return width;
    }

    /// <summary>
    /// Outputs per row from which a 3x3 kernel at unit strides and dilations runs at AVX-512 even
    /// where AVX2 vectors would cover the row with fewer lanes (<see cref="ForDirectRow"/>).
    /// </summary>
    /// <remarks>
    /// From 96 outputs on, such rows are whole 48-column blocks (<see cref="Convolution.Quad3x3Blocks512"/>),
    /// which load each input row once. The lane count alone sent every row whose width is 1 to 8 past a
    /// multiple of 16 to AVX2: 1000x1000 took 249-272 us where 1008x1008 took 170. Stopwatch, fastest of
    /// 12 or 15, AVX-512 against AVX2 on the same build, "same" padding unless noted: 1000x1000 166.5
    /// against 249.0 us, 1016x1016 172.3 against 257.2, 984x984 160.0 against 239.1, 1000x1000 unpadded
    /// 189.1 against 271.3, 3 x 200x200 29.8 against 33.9, 3 x 100x1000 unpadded 65.2 against 86.4,
    /// 97 to 260 wide 25 to 40 % faster (97x97 3.4 against 4.8 us), 102 wide unpadded even (2.97 against
    /// 2.94). Below 96 the rows have no whole-row blocks and AVX2 stays ahead (88x88 2.7 against 2.2 us).
    /// </remarks>
    public const int ThreeByThreeBlocksMinRow = 96;

    /// <summary>
    /// Outputs per row from which a 5x5 kernel at unit strides and dilations runs at AVX-512 even
    /// where AVX2 vectors would cover the row with as few lanes (<see cref="ForDirectRow"/>).
    /// </summary>
    /// <remarks>
    /// From there the rows' 48-column blocks load each input row once (<see cref="Convolution.Quad5x5Blocks512"/>)
    /// instead of once per kernel column, as the AVX2 blocks do. Stopwatch, fastest of 12, both widths
    /// in one build ("same" padding, output 56 B and 2 KB past the input modulo 4 KB, twice or three
    /// times): 1024x1024 531-544 against 708-725 us with the output 56 B past, 2048x2048 2.64-2.79
    /// against 2.85-3.94 ms, 1000x1000 505-507 against 526-545 us, 512x512 128-131 against 135-145 us,
    /// 400x400 79-83 against 84-87 us, 272x272 37.1-39.1 against 37.5-40.7 us; below, AVX2 ties or
    /// leads (256x256 33.2-35.1 against 32.4-33.9 us, 224x224 even, 100x100 6.6 against 6.4 us): a row
    /// of fewer blocks spends more of itself in the 16-column edge vectors.
    /// </remarks>
    public const int FiveByFiveBlocksMinRow = 272;

    /// <summary>
    /// <see cref="FiveByFiveBlocksMinRow"/> on a machine with full-rate AVX-512 (<see cref="FullRate512"/>).
    /// </summary>
    /// <remarks>
    /// Stopwatch on Zen 5 (fastest of 9, both policies alternately in one process, "same" padding,
    /// tiered compilation off): AVX-512 against AVX2, 80x80 2.90 against 3.99 us, 88x88 3.82 against
    /// 4.32, 96x96 4.55 against 5.41, 128x128 6.10 against 8.95, 224x224 15.8 against 24.9; below 80
    /// it wins some widths and loses others (48x48 1.16 against 1.40 us, 64x64 2.64 against 2.50,
    /// 72x72 3.34 against 3.25, 24x24 0.65 against 0.47). For 7x7 the widest vector was as fast or
    /// faster at every width measured but 24 (40x40 1.76 against 2.09 us, 56x56 2.65 against 3.45,
    /// 88x88 6.12 against 8.16, 24x24 0.79 against 0.72); for 3x3 the rules of the half-rate machine
    /// were as fast or faster at every width (40x40 0.72 against 1.19 us, 72x72 1.55 against 1.96).
    /// </remarks>
    public const int FullRateFiveByFiveBlocksMinRow = 80;

    /// <summary>
    /// The width for a direct-convolution row of <paramref name="rowLength"/> outputs: among the
    /// widths that fit the row (<see cref="ForRow"/> and narrower), the one that spends the fewest
    /// FMA cycles, counting the lanes the overlapping last vector computes twice, at AVX-512's and
    /// AVX2's equal float throughput (two 256-bit FMA pipes: one 512-bit or two 256-bit FMAs per
    /// cycle, as on Zen 4) and half that for 128-bit vectors. A 56-wide row runs as 7 AVX2 vectors
    /// rather than 4 AVX-512 vectors covering 64 columns (depthwise 64 x 56x56: 61 us instead of
    /// 78 us in one interleaved run). Ties go to the narrower vector for kernels up to 5 wide (more
    /// vectors per row fill the four-row kernel's three-vector blocks, so more independent
    /// accumulators: 28x28 3x3 830 -> 510 ns, 5x5 1070 -> 935 ns, 224x224 3x3 equal, in
    /// DirectKernelBench) and to the wider one for 7 wide and more (28x28 7x7: 1580 ns at
    /// AVX-512 against 1660 ns at AVX2; 224x224 7x7: 45 us against 51 us). Exception: 3x3 rows of
    /// at least 128 outputs keep AVX-512, whose 3x3 blocks load each input row once
    /// (<see cref="Convolution.Quad3x3Blocks512"/>): against AVX2, 224x224 14.5 -> 12.4 us, 160x160
    /// 7.2 -> 6.8 us, 112x112 even, 64x64 1.8 -> 2.5 us (no full block fits), in one interleaved
    /// stopwatch run. When <paramref name="registerBlocks"/> (a 3x3 or 5x5 kernel at unit strides and
    /// dilations, which the AVX-512 register blocks run), rows of <see cref="ThreeByThreeBlocksMinRow"/>
    /// (3x3) or <see cref="FiveByFiveBlocksMinRow"/> (5x5) outputs or more keep AVX-512 whatever the
    /// lane count says, ties or not; the tie exception above now acts only on kernels 3 wide that the
    /// blocks do not run (strided, dilated, or not 3 high), where it was not measured and is kept as it was.
    /// All of that is for a machine whose 512-bit FMAs run at half the rate of its 256-bit ones; where
    /// they run at the same rate (<paramref name="fullRate512"/>, <see cref="FullRate512"/>), kernels wider
    /// than 5, and 5x5 register blocks from <see cref="FullRateFiveByFiveBlocksMinRow"/> outputs, take the
    /// widest vector that fits; narrower kernels keep the rules above, which measured as fast or faster there.
    /// </summary>
    public static SimdWidth ForDirectRow(SimdWidth max, int rowLength, int kernelWidth, bool registerBlocks, bool fullRate512)
    {
        var best = ForRow(max, rowLength);
        if (fullRate512 && (kernelWidth > 5 || (kernelWidth == 5 && registerBlocks && rowLength >= FullRateFiveByFiveBlocksMinRow)))
        {
            // A 512-bit vector costs what a 256-bit one does, so the widest that fits covers the row in
            // the fewest cycles.
            return best;
        }

        if (best == SimdWidth.Vector512 && registerBlocks
            && rowLength >= (kernelWidth == 5 ? FiveByFiveBlocksMinRow : kernelWidth == 3 ? ThreeByThreeBlocksMinRow : int.MaxValue))
        {
            return best;
        }

        double bestCost = Cost(best, rowLength);
        for (var width = Narrower(best); width != SimdWidth.Scalar; width = Narrower(width))
        {
            double cost = Cost(width, rowLength);
            if (cost < bestCost || (cost == bestCost && kernelWidth <= 5 && !(best == SimdWidth.Vector512 && kernelWidth == 3 && rowLength >= 128)))
            {
                (best, bestCost) = (width, cost);
            }
        }

        return best;

        static double Cost(SimdWidth width, int length)
        {
            long lanes = ((long)length + (int)width - 1) / (int)width * (int)width;
            double lanesPerCycle = width switch { SimdWidth.Vector512 or SimdWidth.Vector256 => 16, SimdWidth.Vector128 => 8, _ => 2 };
            return lanes / lanesPerCycle;
        }
    }

    private static SimdWidth Narrower(SimdWidth width) =>
        width == SimdWidth.Vector512 ? SimdWidth.Vector256 : width == SimdWidth.Vector256 ? SimdWidth.Vector128 : SimdWidth.Scalar;

    /// <summary>
    /// Whether this machine retires 512-bit FMAs as fast as 256-bit ones, so that AVX-512 computes
    /// twice the floats per cycle (Zen 5 servers and desktops, Xeons with two 512-bit FMA units),
    /// rather than at half their rate, splitting each into two 256-bit halves (Zen 4, and Intel
    /// client cores with one 512-bit FMA port), where the two widths compute the same floats per
    /// cycle and <see cref="ForDirectRow"/> often prefers AVX2's finer steps.
    /// </summary>
    /// <remarks>
    /// Measured once per process, on first use: the fastest of seven timed runs of 12,288 512-bit
    /// FMAs in twelve independent chains against the same count of 256-bit ones, run alternately
    /// (about 25 us in all, after the JIT compiles the two loops: the first access took 12-17 ms in a
    /// fresh process, type initialisation included, against 9 ms with the variable below set). Full
    /// rate when the 512-bit runs take less than 1.5 times as long (this repository's machines: about
    /// 1.0 on Zen 5, 2.0 on Zen 4, per <c>FmaPeakBench</c>). Set the
    /// environment variable <c>INTERPRETABILITY_AVX512_FULL_RATE</c> to <c>1</c> or <c>0</c> to skip the
    /// measurement. The choice changes which SIMD width runs a row, so results differ between the
    /// two only by rounding. Tests and benchmarks set it to run both policies on one machine.
    /// </remarks>
    public static bool FullRate512
    {
        get
        {
            int value = s_fullRate512;
            if (value < 0)
            {
                value = DetectFullRate512() ? 1 : 0;
                s_fullRate512 = value;
            }

            return value == 1;
        }

        internal set => s_fullRate512 = value ? 1 : 0;
    }

    private static int s_fullRate512 = -1;

    private static float s_fmaSink;

    private static bool DetectFullRate512()
    {
        if (Best != SimdWidth.Vector512)
        {
            return false;
        }

        switch (Environment.GetEnvironmentVariable("INTERPRETABILITY_AVX512_FULL_RATE"))
        {
            case "1":
                return true;
            case "0":
                return false;
        }

        const int Steps = 1024;
        long fastest512 = long.MaxValue, fastest256 = long.MaxValue;
        Ticks(Fma512, Steps);
        for (int trial = 0; trial < 7; trial++)
        {
            fastest512 = Math.Min(fastest512, Ticks(Fma512, Steps));
            fastest256 = Math.Min(fastest256, Ticks(Fma256, Steps));
        }

        return fastest512 * 2 < fastest256 * 3;
    }

    /// <summary>Stopwatch ticks one run of <paramref name="fma"/> takes; the loop itself runs in a method of its own.</summary>
    private static long Ticks(Func<int, float> fma, int steps)
    {
        long start = Stopwatch.GetTimestamp();
        s_fmaSink = fma(steps);
        return Stopwatch.GetTimestamp() - start;
    }

    /// <summary>Twelve chains of <paramref name="steps"/> 512-bit FMAs; no call inside, so the chains stay in registers (also <c>FmaPeakBench</c>'s loop).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static float Fma512(int steps)
    {
        var m = Vector512.Create(0.9999f);
        var b = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0 * 2, a2 = a0 * 3, a3 = a0 * 4, a4 = a0 * 5, a5 = a0 * 6;
        Vector512<float> a6 = a0 * 7, a7 = a0 * 8, a8 = a0 * 9, a9 = a0 * 10, a10 = a0 * 11, a11 = a0 * 12;
        for (int i = 0; i < steps; i++)
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

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    /// <summary>Twelve chains of <paramref name="steps"/> 256-bit FMAs; no call inside, so the chains stay in registers.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static float Fma256(int steps)
    {
        var m = Vector256.Create(0.9999f);
        var b = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(1f), a1 = a0 * 2, a2 = a0 * 3, a3 = a0 * 4, a4 = a0 * 5, a5 = a0 * 6;
        Vector256<float> a6 = a0 * 7, a7 = a0 * 8, a8 = a0 * 9, a9 = a0 * 10, a10 = a0 * 11, a11 = a0 * 12;
        for (int i = 0; i < steps; i++)
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

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
