using System.Runtime.CompilerServices;

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
    /// </summary>
    public static SimdWidth ForDirectRow(SimdWidth max, int rowLength, int kernelWidth, bool registerBlocks = false)
    {
        var best = ForRow(max, rowLength);
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

        static SimdWidth Narrower(SimdWidth width) =>
            width == SimdWidth.Vector512 ? SimdWidth.Vector256 : width == SimdWidth.Vector256 ? SimdWidth.Vector128 : SimdWidth.Scalar;
    }
}
