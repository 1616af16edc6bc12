using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Interpretability;

/// <summary>
/// 5x5 and 7x7 blocks of eight output rows by two AVX-512 vectors, for machines with full-rate
/// AVX-512, on zero-padded planes (<see cref="ConvolvePlaneMasked"/>).
/// </summary>
/// <remarks>
/// <para>
/// The four-row 7x7 block (<see cref="ConvolveQuad"/>) loads each of its ten input rows once per
/// kernel column and feeds every load to at most four output rows: 30 loads, most of them crossing a
/// cache line, per 84 FMAs. With two 512-bit FMAs a cycle (Zen 5) those loads, not the FMA pipes, set
/// the pace. Eight output rows read fourteen input rows, and each load feeds up to seven of them: 28
/// loads per 112 FMAs, the seven weights of a kernel column in registers (16 accumulators, 7 weights
/// and 2 loaded vectors: 25 of the 32 vector registers). 5x5: 24 loads per 80 FMAs, against the 5x5
/// register blocks' (<see cref="Quad5x5Blocks512"/>) 56 loads, 24 shuffles and about 250 embedded
/// weight broadcasts per 300.
/// </para>
/// <para>
/// Stopwatch on Zen 5, in-process A/B against the four-row blocks, fastest of 15 ("same" padding):
/// 7x7 224x224 28.9 -> 25.2 us, 128x128 10.2 -> 8.8, 300x300 59.2 -> 49.5, 640x640 295 -> 254,
/// 1000x1000 741 -> 663; 5x5 224x224 16.8 -> 14.9 us, 128x128 6.2 -> 5.5, 640x640 137 -> 119,
/// 1600x1600 1,192 -> 1,013. Each output sums its kernel rows inside its kernel columns, where the
/// four-row blocks sum them in another order: results differ by rounding only.
/// </para>
/// <para>
/// Measured and not kept, on Zen 5 (stopwatch, in-process A/B, fastest of 15, 224x224): 7x7 blocks of
/// four rows by 48 columns that load each input row once and build the taps with <c>valignd</c>, as
/// the 5x5 ones do, 30.1 against 29.2 us for the four-row block (512x512 156.8 against 151.5); loading
/// half their taps instead of shuffling them, 34.1.
/// </para>
/// <para>
/// Also measured and not kept on Zen 5, against these blocks (same conditions):
/// <list type="bullet">
/// <item>Winograd along the kernel's height, eight rows by one vector, the input transforms in
/// registers: F(2,3) over kernel rows 0-2 with F(2,2) over rows 3-4 (5x5: 28 FMAs and 21 adds per
/// kernel column, against 40 FMAs), or two F(2,3) and one direct row (7x7: 40 FMAs and 27 adds,
/// against 56). Slower: 224x224 5x5 20.3 against 17.6 us, 7x7 30.8 against 27.3 (errors within
/// 2e-7 of the sum of magnitudes either way). The adds cost next to nothing beside the FMAs
/// (FmaPeakBench-shuffles: 178.9 against 172.5 us with as many adds). The loads are the likelier
/// limit: a 512-bit load that crosses a cache line, as a shifted tap does, takes about twice an
/// aligned one (FMAs each with a load: 397.9 against 207.8 us), and these blocks load 12 rows per 28
/// FMAs (5x5) where the direct ones load 24 per 80. Storing the transforms once per band instead
/// would cost one such load per FMA, and shifting them in registers a <c>valignd</c> each, which
/// shares the FMA pipes (273.3 us with as many beside the FMAs).</item>
/// <item>The edge loops' loads as zero-masking loads (<c>Avx512F.MaskLoad</c>) instead of a load and
/// an AND: 224x224 5x5 14.17 against 14.04 us, 7x7 23.77 against 23.74.</item>
/// <item>Column tiles: every block of a band over 256 columns before the next 256, so that a tile's
/// 46 input rows stay in L1 between the ten-row blocks. Slower on wide rows (median over 25
/// interleaved rounds, tiles against whole rows): 7x7 1600x1600 1.284, 1200x1200 1.080, 640x640
/// 0.970, 480x480 1.022; 5x5 1600x1600 1.121, 1200x1200 1.018, 640x640 0.999.</item>
/// </list>
/// </para>
/// </remarks>
public static partial class Convolution
{
    /// <summary>The widest output row <see cref="UsesOct"/> takes.</summary>
    /// <remarks>
    /// Stopwatch on Zen 5, in-process A/B, fastest of 9 to 15, 5x5: 1600x1600 1,192 -> 1,013 us,
    /// 1800x1800 1,522 against 1,546, 2000x2000 1,959 against 2,227, 2400x2400 3,133 against 3,376
    /// (7x7 2000x2000 even: 3,282 against 3,252). Planes that large stream from L3 and beyond, and
    /// twelve or fourteen input rows with eight output rows are more streams than four-row blocks keep.
    /// </remarks>
    internal const int OctMaxRow = 1600;

    /// <summary>
    /// The narrowest output row <see cref="UsesOct"/> takes: the row from which 5x5 rows run at
    /// AVX-512 at full rate (<see cref="SimdWidths.FullRateFiveByFiveBlocksMinRow"/>); narrower padded
    /// 5x5 and 7x7 planes run the same blocks on a zero-padded copy (<see cref="UsesNarrowOct"/>).
    /// </summary>
    internal const int OctMinRow = 80;

    /// <summary>The columns of one block of <see cref="ConvolveNarrowOct"/>: two AVX-512 vectors.</summary>
    internal const int NarrowOctColumns = 32;

    /// <summary>
    /// Whether a small padded plane runs in <see cref="ConvolveNarrowOct"/> or
    /// <see cref="ConvolveNarrowOctInto"/> on a zero-padded copy, in whole 32-column blocks: full-rate
    /// AVX-512 at <paramref name="width"/>, a 3x3, 5x5 or 7x7 kernel at unit strides and dilations, at
    /// least 8 output rows, and 17 to 79 output columns for 5x5 and 7x7 (from <see cref="OctMinRow"/>
    /// the blocks read the rows in place), 17 to 95 for 3x3 when the blocks write straight into the
    /// destination (<paramref name="direct"/>: one plane into dense rows), else 17 to 32 (from 96 the
    /// 3x3 whole-row blocks take over; <c>Convolve2D</c> gives 17 to 32 to <see cref="Tiny3x3"/> first).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Stopwatch on Zen 5, in-process A/B against the row loop on the same copy, fastest of 15, "same"
    /// padding, two vectors: 5x5 28x28 760 -> 658 ns, 32x32 818 -> 643, 17x17 522 -> 462, 22x22 687 ->
    /// 470; 7x7 28x28 973 -> 826, 32x32 1,306 -> 1,008, 22x22 973 -> 678, 20x20 749-768 against
    /// 661-798 (two runs); three channels of 28x28 5x5 1,950 -> 1,407, 7x7 2,674 -> 2,037. The rows
    /// past the image (28 rows run as 32) cost less than the four-row blocks' short rows.
    /// </para>
    /// <para>
    /// Wider planes (two or three blocks a band), median over 31 interleaved rounds, staged blocks
    /// against the paths they replace: <c>Convolve2D</c> 5x5 33x33 0.939, 40x40 0.887, 56x56 0.784 and
    /// 0.810, 64x64 0.739, 79x79 0.750 and 0.760; 7x7 33x33 0.961, 40x40 0.916, 56x56 0.859, 64x64
    /// 0.822, 79x79 0.913; several channels: 3 x 56x56 5x5 0.693, 16 x 64x64 5x5 0.677, 3 x 64x64 7x7
    /// 0.800, 16 x 64x64 7x7 0.667, 64 x 79x79 7x7 0.860. Depthwise layers (<c>Conv2DPlan</c>): 64 x
    /// 40x40 5x5 0.911, 64 x 56x56 5x5 0.827, 32 x 79x79 5x5 0.867, 64 x 28x28 7x7 0.770, 64 x 56x56
    /// 7x7 0.859, 32 x 79x79 7x7 0.973; 3x3 64 x 32x32 0.846, 64 x 20x20 0.932, 128 x 28x28 0.897 and
    /// 0.971. Staged 3x3 planes past 32 columns did not gain (depthwise 64 x 56x56 1.014, 144 x 56x56
    /// 1.077; <c>Convolve2D</c> 56x56 0.938, 72x72 1.110, 88x88 1.148).
    /// </para>
    /// <para>
    /// Written straight into the destination, against staged (5x5, 7x7) or the earlier paths (3x3):
    /// depthwise 3x3 64 x 56x56 0.827 (62.3 -> 51.4 us), 144 x 56x56 0.831, 96 x 40x40 0.907, 64 x
    /// 64x64 0.746, 32 x 80x80 0.907, 32 x 95x95 0.761, 64 x 32x32 0.850; 5x5 64 x 56x56 0.882, 7x7
    /// 64 x 28x28 0.930. <c>Convolve2D</c>, one channel: 5x5 28x28 0.906 (539 -> 488 ns), 56x56 0.904;
    /// 7x7 28x28 0.924, 64x64 0.919; 3x3 40x40 0.956, 56x56 0.818, 64x64 0.774, 72x72 0.980, 80x80
    /// 0.914, 95x95 0.782. From 96 columns 3x3 loses to the whole-row blocks (depthwise 32 x 96x96
    /// 1.069, 32 x 112x112 1.106, 16 x 128x128 1.014).
    /// </para>
    /// </remarks>
    internal static bool UsesNarrowOct(SimdWidth width, in ConvGeometry g, bool direct) =>
        width == SimdWidth.Vector512 && Avx512F.IsSupported && SimdWidths.FullRate512 && UnitSquare(g) && g.KernelWidth is 3 or 5 or 7
        && g.OutputHeight >= 8 && g.OutputWidth > 16
        && g.OutputWidth <= (g.KernelWidth != 3 ? OctMinRow - 1 : direct ? SimdWidths.ThreeByThreeBlocksMinRow - 1 : NarrowOctColumns)
        && (g.PadTop | g.PadLeft | g.PadBottom | g.PadRight) != 0;

    /// <summary>The 32-column blocks <see cref="ConvolveNarrowOct"/> runs per band for this output width.</summary>
    internal static int NarrowColumnBlocks(in ConvGeometry g) => (g.OutputWidth + NarrowOctColumns - 1) / NarrowOctColumns;

    /// <summary>A square kernel at unit strides and dilations.</summary>
    private static bool UnitSquare(in ConvGeometry g) =>
        g.KernelHeight == g.KernelWidth && g.StrideX == 1 && g.StrideY == 1 && g.DilationX == 1 && g.DilationY == 1;

    /// <summary>What every use of the eight-row blocks needs: full-rate AVX-512 and a 5x5 or 7x7 kernel at unit strides and dilations.</summary>
    private static bool OctBlocksRun(in ConvGeometry g) =>
        Avx512F.IsSupported && SimdWidths.FullRate512 && UnitSquare(g) && g.KernelWidth is 5 or 7;

    /// <summary>
    /// Convolves <paramref name="channels"/> zero-padded planes (<paramref name="plane"/> floats apart,
    /// rows <paramref name="pitch"/> = 32 * <paramref name="columnBlocks"/> + k - 1 floats apart,
    /// 8 * <paramref name="bands"/> + k - 1 rows each) with their k x k kernels
    /// (<paramref name="weights"/>, dense) into <paramref name="output"/>: 8 * <paramref name="bands"/>
    /// rows of 32 * <paramref name="columnBlocks"/> floats, bias plus the sum over the channels. Each
    /// band of eight rows is one run of <see cref="Oct3x3Blocks512"/>, <see cref="Oct5x5Blocks512"/>
    /// or <see cref="Oct7x7Blocks512"/>; every read stays inside the planes, and the columns and rows
    /// past the image's output are computed from the zero padding and dropped by the caller.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void ConvolveNarrowOct(int k, float* source, int channels, nint plane, nint pitch, float* weights, float bias, int bands, int columnBlocks, float* output)
    {
        float** rows = stackalloc float*[14];
        var biasVector = Vector512.Create(bias);
        nint outputPitch = (nint)NarrowOctColumns * columnBlocks;
        for (int c = 0; c < channels; c++)
        {
            float* from = source + (c * plane), w = weights + ((nint)c * k * k);
            for (int b = 0; b < bands; b++)
            {
                FillBandRows(from, pitch, b, k, rows);
                RowBlocks512(k, 8, rows, 0, w, output + (b * 8 * outputPitch), outputPitch, columnBlocks, biasVector, c > 0, false);
            }
        }
    }

    /// <summary>
    /// One output channel of a depthwise layer, as <see cref="ConvolveNarrowOct"/> computes it for one
    /// plane, written straight into a dense <paramref name="outputHeight"/> x <paramref name="outputWidth"/>
    /// plane: each band's blocks run right to left, so the columns a row's last block computes past
    /// the output width land on the start of the next row before the band's first block writes it;
    /// the last band goes through <paramref name="stage"/> (eight rows of 32 * <paramref name="columnBlocks"/>
    /// floats), so nothing is written past the plane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void ConvolveNarrowOctInto(int k, float* plane, nint pitch, float* w, float bias, int bands, int columnBlocks, float* output, int outputHeight, int outputWidth, float* stage)
    {
        float** rows = stackalloc float*[14];
        var biasVector = Vector512.Create(bias);
        nint outputPitch = (nint)NarrowOctColumns * columnBlocks;
        for (int b = 0; b < bands; b++)
        {
            FillBandRows(plane, pitch, b, k, rows);
            if (b < bands - 1)
            {
                RowBlocks512(k, 8, rows, 0, w, output + ((nint)b * 8 * outputWidth), outputWidth, columnBlocks, biasVector, false, true);
                continue;
            }

            RowBlocks512(k, 8, rows, 0, w, stage, outputPitch, columnBlocks, biasVector, false, false);
            CopyOut(stage, outputPitch, outputHeight - (8 * b), outputWidth, output + ((nint)b * 8 * outputWidth), outputWidth, 1);
        }
    }

    /// <summary>The k + 7 input rows of eight-row band <paramref name="band"/> of a padded plane.</summary>
    private static unsafe void FillBandRows(float* plane, nint pitch, int band, int k, float** rows)
    {
        for (int r = 0; r < k + 7; r++)
        {
            rows[r] = plane + (((nint)(8 * band) + r) * pitch);
        }
    }

    /// <summary>
    /// <paramref name="blocks"/> 32-column blocks of <paramref name="blockRows"/> output rows for a k x k
    /// kernel: eight rows for 3x3, 5x5 and 7x7, ten for 7x7 (<see cref="Deca7x7Blocks512"/>), twelve for
    /// 5x5 (<see cref="Dodec5x5Blocks512"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void RowBlocks512(int k, int blockRows, float** rows, nint origin, float* w, float* d, nint dstStride, nint blocks, Vector512<float> biasVector, bool accumulate, bool backwards)
    {
        switch ((k, blockRows))
        {
            case (7, 10):
                Deca7x7Blocks512(rows, origin, w, d, dstStride, blocks, biasVector, accumulate, backwards);
                break;
            case (5, 12):
                Dodec5x5Blocks512(rows, origin, w, d, dstStride, blocks, biasVector, accumulate, backwards);
                break;
            case (7, _):
                Oct7x7Blocks512(rows, origin, w, d, dstStride, blocks, biasVector, accumulate, backwards);
                break;
            case (5, _):
                Oct5x5Blocks512(rows, origin, w, d, dstStride, blocks, biasVector, accumulate, backwards);
                break;
            default:
                Oct3x3Blocks512(rows, origin, w, d, dstStride, blocks, biasVector, accumulate, backwards);
                break;
        }
    }

    /// <summary>
    /// Whether <see cref="ConvolvePlaneMasked"/> runs eight output rows at a time through
    /// <see cref="ConvolveOct{TKh}"/>: full-rate AVX-512 (<see cref="SimdWidths.FullRate512"/>), a 5x5 or
    /// 7x7 kernel at unit strides and dilations, rows of 80 to <see cref="OctMaxRow"/> outputs, and input
    /// rows (<paramref name="rowStride"/> floats apart) that do not all fall in the same L1 sets: rows a
    /// multiple of 4 KB apart, give or take 128 bytes, put all twelve or fourteen of a block's rows in
    /// the same sets of the 8-way L1 (Zen 4; Zen 5's is 12-way, still fewer ways than a ten-row block's
    /// sixteen rows), which evicts each before the next kernel column reads it again
    /// (1024x1024 7x7: 897 against 776 us for the four-row blocks, which read five rows at a time for
    /// that reason). Such 7x7 planes take the blocks on copies of their rows (<see cref="UsesOctRing"/>).
    /// </summary>
    internal static bool UsesOct(in ConvGeometry g, int lanes, nint rowStride)
    {
        long offset = ((long)rowStride * sizeof(float)) & 4095;
        return lanes == 16 && OctRowsRun(g) && Math.Min(offset, 4096 - offset) >= 128;
    }

    /// <summary>Whether the eight-row blocks take this padded plane's rows, wherever they lie: <see cref="OctBlocksRun"/> and rows of <see cref="OctMinRow"/> to <see cref="OctMaxRow"/> outputs.</summary>
    private static bool OctRowsRun(in ConvGeometry g) =>
        OctBlocksRun(g) && g.OutputWidth >= OctMinRow && g.OutputWidth <= OctMaxRow;

    /// <summary>
    /// Whether <see cref="ConvolvePlaneMasked"/> runs the 7x7 eight-row blocks on copies of the input
    /// rows instead of the four-row blocks: where <see cref="UsesOct"/> holds but for the rows' 4 KB
    /// aliasing. Each input row is copied once, when a band first needs it, into a ring of
    /// <see cref="OctRingRows"/> rows <see cref="OctRingStride"/> apart, which the blocks then read
    /// without the conflicts.
    /// </summary>
    /// <remarks>
    /// Zen 5, stopwatch, median over 25 interleaved rounds of ring against four-row blocks (an A/A run
    /// of the same harness: 0.994 and 0.999), "same" padding unless noted: 1024x1024 0.918, 0.859,
    /// 0.855 and 0.859; 1000x1000 0.944, 0.942 and
    /// 0.954; 128x1024 0.835 and 0.824; 256x1024 0.840; three channels of 1024x1024 0.777; 224x1024
    /// three channels 0.917; unpadded 1024x1024 0.967. The copy itself costs about what a memcpy of
    /// the plane does (72 us for 1024x1024), which is why the ring still trails the same plane read
    /// in place with rows that do not alias (533-567 us). 5x5 lost: 1024x1024 1.025 and 1.022,
    /// 1000x1000 1.129. Prefetching the next band's rows from inside the band, a few lines after
    /// each run of blocks, lost too (1.07 to 1.15): splitting the block runs cost more than the
    /// prefetches saved.
    /// </remarks>
    internal static bool UsesOctRing(in ConvGeometry g, int lanes, nint rowStride) =>
        lanes == 16 && OctRingLength(g) > 0 && !UsesOct(g, lanes, rowStride);

    /// <summary>Rows of the ring of <see cref="UsesOctRing"/>: a power of two no smaller than a forty-row 7x7 band's 46 input rows.</summary>
    internal const int OctRingRows = 64;

    /// <summary>Floats before the ring's first row, which the left edge vectors read (masked) when the plane is padded on the left.</summary>
    internal const int OctRingLead = 16;

    /// <summary>
    /// Floats between two rows of the ring of <see cref="UsesOctRing"/> for input rows of
    /// <paramref name="width"/> floats: at least 48 more (the edge vectors read up to 16 floats past
    /// either end, masked), and an odd number of 64-byte lines, so that the ring's 64 rows fall in 64
    /// different L1 sets.
    /// </summary>
    internal static nint OctRingStride(int width)
    {
        nint stride = (width + 48 + 15) & ~15;
        return (stride & 16) == 0 ? stride + 16 : stride;
    }

    /// <summary>Floats of scratch the ring of <see cref="UsesOctRing"/> takes for this geometry (0 where the eight-row blocks never run).</summary>
    internal static long OctRingLength(in ConvGeometry g) =>
        g.KernelWidth == 7 && OctRowsRun(g)
            ? OctRingLead + (OctRingRows * (long)OctRingStride(g.InputWidth)) + 64
            : 0;

    /// <summary>
    /// The output rows <see cref="ConvolveOct{TKh}"/> takes at once when <paramref name="remaining"/>
    /// (at least eight) are left: 7x7 forty (four <see cref="Deca7x7Blocks512"/>), 5x5 24 or twelve
    /// (<see cref="Dodec5x5Blocks512"/>), else eight. Multiples of eight keep every row's edges in the
    /// eight-row edge loops (<see cref="Oct7x7Edges512"/>); twelve leaves four rows' to the four-row loop.
    /// </summary>
    /// <remarks>
    /// Stopwatch on Zen 5, "same" padding, median over 41 interleaved rounds against the next smaller
    /// choice, beside the same run with both sides that choice (the buffers' own difference): 5x5 24
    /// against twelve rows, 224x224 0.985 and 0.992 (0.997, 0.998), 96x96 0.932 and 0.927 (0.994,
    /// 0.987); 7x7 forty against eight, see <see cref="Deca7x7Blocks512"/>.
    /// </remarks>
    internal static int OctBandRows(int kh, int remaining) => kh switch
    {
        7 when remaining >= 40 => 40,
        5 when remaining >= 24 => 24,
        5 when remaining >= 12 => 12,
        _ => 8,
    };

    /// <summary>
    /// <paramref name="rowCount"/> output rows (<see cref="OctBandRows"/>: a multiple of eight or
    /// twelve, run in blocks of eight, ten for 7x7 (<see cref="Deca7x7Blocks512"/>) or twelve for 5x5
    /// (<see cref="Dodec5x5Blocks512"/>)) (<paramref name="dst"/> and those below,
    /// <paramref name="dstStride"/> apart), columns [0, <paramref name="width"/>), from input rows
    /// <c>rows[0 .. kh + rowCount - 2]</c>:
    /// <list type="bullet">
    /// <item>the masked edge vectors: both edges of eight rows in one loop when the row has two
    /// (<see cref="Oct7x7Edges512"/>, sixteen accumulator chains; against two quads of
    /// <see cref="Rows4x2Masked{TOps, TVec, TKh}"/>, stopwatch, in-process A/B, fastest of 15: 224x224
    /// 7x7 25.0 -> 23.8 us, 5x5 15.1 -> 14.3, 96x96 7x7 5.3 -> 4.9), the last four of a twelve-row band in
    /// <see cref="Rows4x2Masked{TOps, TVec, TKh}"/>, a single edge a quad at a time as
    /// <see cref="ConvolveRows4{TOps, TVec, TKh}"/> does;</item>
    /// <item>the columns between them in <see cref="Oct7x7Blocks512"/>, <see cref="Oct5x5Blocks512"/>,
    /// <see cref="Dodec5x5Blocks512"/> or <see cref="Deca7x7Blocks512"/>;</item>
    /// <item>the 16 to 47 columns those leave (if any) in the four-row blocks of <see cref="ConvolveQuad"/>,
    /// one quad at a time.</item>
    /// </list>
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void ConvolveOct<TKh>(float** rows, float* w, nint* columnOffsets, float* dst, nint dstStride, int width, float bias, bool accumulate, float* leftMasks, float* rightMasks, bool backwards, int rowCount)
        where TKh : IKernelHeight
    {
        int k = TKh.Value;
        const int V = 16;
        var biasVector = Vector512.Create(bias);
        nint left = leftMasks != null ? V : 0, right = rightMasks != null ? V : 0;
        nint n = width - left - right, blocks = n / 32, rest = n - (32 * blocks);
        if (rest is > 0 and < V)
        {
            // The four-row blocks need at least one whole vector.
            blocks--;
            rest += 32;
        }

        bool bothEdges = left > 0 && right > 0;
        if (bothEdges)
        {
            int r = 0;
            for (; r + 8 <= rowCount; r += 8)
            {
                if (k == 7)
                {
                    Oct7x7Edges512(rows + r, columnOffsets[0], w, leftMasks, rightMasks, dst + (r * dstStride), dstStride, width - V, biasVector, accumulate);
                }
                else
                {
                    Oct5x5Edges512(rows + r, columnOffsets[0], w, leftMasks, rightMasks, dst + (r * dstStride), dstStride, width - V, biasVector, accumulate);
                }
            }

            if (r < rowCount)
            {
                Rows4x2Masked<Vector512Ops, Vector512<float>, TKh>(rows + r, k, w, columnOffsets, leftMasks, rightMasks, dst + (r * dstStride), dstStride, width - V, biasVector, accumulate);
            }
        }

        for (int quad = 0; quad < rowCount / 4; quad++)
        {
            float** q = rows + (4 * quad);
            float* d = dst + (4 * quad * dstStride);
            if (!bothEdges && (left > 0 || right > 0))
            {
                nint x = left > 0 ? 0 : width - V;
                Rows4x1Masked<Vector512Ops, Vector512<float>, TKh>(q, k, w, columnOffsets, left > 0 ? leftMasks : rightMasks, d, dstStride, x, biasVector, accumulate, out var e0, out var e1, out var e2, out var e3);
                e0.Store(d + x);
                e1.Store(d + dstStride + x);
                e2.Store(d + (2 * dstStride) + x);
                e3.Store(d + (3 * dstStride) + x);
            }

            if (rest > 0)
            {
                nint x = left + (32 * blocks);
                ConvolveQuad<Vector512Ops, Vector512<float>, TKh>(q, x, k, w, columnOffsets, d + x, dstStride, rest, biasVector, accumulate, backwards);
            }
        }

        int blockRows = rowCount == 8 ? 8 : k == 7 ? 10 : 12;
        for (int r = 0; r < rowCount; r += blockRows)
        {
            RowBlocks512(k, blockRows, rows + r, columnOffsets[0] + left, w, dst + left + (r * dstStride), dstStride, blocks, biasVector, accumulate, backwards);
        }
    }

    /// <summary>
    /// <paramref name="blocks"/> blocks of eight output rows (<c>d0 + i * dstStride</c>) by 32 columns,
    /// block <c>b</c> at columns <c>32 * b</c> (right to left when <paramref name="backwards"/>), from
    /// input rows <c>rows[0 .. 13] + origin</c> (the first kernel column's offset) and the row-major 7x7
    /// kernel <paramref name="w"/>; starting from <paramref name="biasVector"/>, or from the
    /// destination's values when <paramref name="accumulate"/>. Reads columns up to 32 + 6 past a
    /// block's start, as the four-row block does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static unsafe void Oct7x7Blocks512(float** rows, nint origin, float* w, float* d0, nint dstStride, nint blocks, Vector512<float> biasVector, bool accumulate, bool backwards)
    {
        for (nint b = 0; b < blocks; b++)
        {
            nint x = (backwards ? blocks - 1 - b : b) * 32;
            float* d = d0 + x;
            Vector512<float> a00, a01, a10, a11, a20, a21, a30, a31, a40, a41, a50, a51, a60, a61, a70, a71;
            if (accumulate)
            {
                a00 = Vector512.Load(d);
                a01 = Vector512.Load(d + 16);
                a10 = Vector512.Load(d + dstStride);
                a11 = Vector512.Load(d + dstStride + 16);
                a20 = Vector512.Load(d + (2 * dstStride));
                a21 = Vector512.Load(d + (2 * dstStride) + 16);
                a30 = Vector512.Load(d + (3 * dstStride));
                a31 = Vector512.Load(d + (3 * dstStride) + 16);
                a40 = Vector512.Load(d + (4 * dstStride));
                a41 = Vector512.Load(d + (4 * dstStride) + 16);
                a50 = Vector512.Load(d + (5 * dstStride));
                a51 = Vector512.Load(d + (5 * dstStride) + 16);
                a60 = Vector512.Load(d + (6 * dstStride));
                a61 = Vector512.Load(d + (6 * dstStride) + 16);
                a70 = Vector512.Load(d + (7 * dstStride));
                a71 = Vector512.Load(d + (7 * dstStride) + 16);
            }
            else
            {
                a00 = a01 = a10 = a11 = a20 = a21 = a30 = a31 = a40 = a41 = a50 = a51 = a60 = a61 = a70 = a71 = biasVector;
            }

            for (nint kx = 0; kx < 7; kx++)
            {
                float* wk = w + kx;
                Vector512<float> w0 = Vector512.Create(wk[0]), w1 = Vector512.Create(wk[7]), w2 = Vector512.Create(wk[14]), w3 = Vector512.Create(wk[21]), w4 = Vector512.Create(wk[28]), w5 = Vector512.Create(wk[35]), w6 = Vector512.Create(wk[42]);
                nint o = origin + x + kx;
                Vector512<float> v0, v1;
                v0 = Vector512.Load(rows[0] + o);
                v1 = Vector512.Load(rows[0] + o + 16);
                a00 = Vector512.MultiplyAddEstimate(v0, w0, a00);
                a01 = Vector512.MultiplyAddEstimate(v1, w0, a01);
                v0 = Vector512.Load(rows[1] + o);
                v1 = Vector512.Load(rows[1] + o + 16);
                a00 = Vector512.MultiplyAddEstimate(v0, w1, a00);
                a01 = Vector512.MultiplyAddEstimate(v1, w1, a01);
                a10 = Vector512.MultiplyAddEstimate(v0, w0, a10);
                a11 = Vector512.MultiplyAddEstimate(v1, w0, a11);
                v0 = Vector512.Load(rows[2] + o);
                v1 = Vector512.Load(rows[2] + o + 16);
                a00 = Vector512.MultiplyAddEstimate(v0, w2, a00);
                a01 = Vector512.MultiplyAddEstimate(v1, w2, a01);
                a10 = Vector512.MultiplyAddEstimate(v0, w1, a10);
                a11 = Vector512.MultiplyAddEstimate(v1, w1, a11);
                a20 = Vector512.MultiplyAddEstimate(v0, w0, a20);
                a21 = Vector512.MultiplyAddEstimate(v1, w0, a21);
                v0 = Vector512.Load(rows[3] + o);
                v1 = Vector512.Load(rows[3] + o + 16);
                a00 = Vector512.MultiplyAddEstimate(v0, w3, a00);
                a01 = Vector512.MultiplyAddEstimate(v1, w3, a01);
                a10 = Vector512.MultiplyAddEstimate(v0, w2, a10);
                a11 = Vector512.MultiplyAddEstimate(v1, w2, a11);
                a20 = Vector512.MultiplyAddEstimate(v0, w1, a20);
                a21 = Vector512.MultiplyAddEstimate(v1, w1, a21);
                a30 = Vector512.MultiplyAddEstimate(v0, w0, a30);
                a31 = Vector512.MultiplyAddEstimate(v1, w0, a31);
                v0 = Vector512.Load(rows[4] + o);
                v1 = Vector512.Load(rows[4] + o + 16);
                a00 = Vector512.MultiplyAddEstimate(v0, w4, a00);
                a01 = Vector512.MultiplyAddEstimate(v1, w4, a01);
                a10 = Vector512.MultiplyAddEstimate(v0, w3, a10);
                a11 = Vector512.MultiplyAddEstimate(v1, w3, a11);
                a20 = Vector512.MultiplyAddEstimate(v0, w2, a20);
                a21 = Vector512.MultiplyAddEstimate(v1, w2, a21);
                a30 = Vector512.MultiplyAddEstimate(v0, w1, a30);
                a31 = Vector512.MultiplyAddEstimate(v1, w1, a31);
                a40 = Vector512.MultiplyAddEstimate(v0, w0, a40);
                a41 = Vector512.MultiplyAddEstimate(v1, w0, a41);
                v0 = Vector512.Load(rows[5] + o);
                v1 = Vector512.Load(rows[5] + o + 16);
                a00 = Vector512.MultiplyAddEstimate(v0, w5, a00);
                a01 = Vector512.MultiplyAddEstimate(v1, w5, a01);
                a10 = Vector512.MultiplyAddEstimate(v0, w4, a10);
                a11 = Vector512.MultiplyAddEstimate(v1, w4, a11);
                a20 = Vector512.MultiplyAddEstimate(v0, w3, a20);
                a21 = Vector512.MultiplyAddEstimate(v1, w3, a21);
                a30 = Vector512.MultiplyAddEstimate(v0, w2, a30);
                a31 = Vector512.MultiplyAddEstimate(v1, w2, a31);
                a40 = Vector512.MultiplyAddEstimate(v0, w1, a40);
                a41 = Vector512.MultiplyAddEstimate(v1, w1, a41);
                a50 = Vector512.MultiplyAddEstimate(v0, w0, a50);
                a51 = Vector512.MultiplyAddEstimate(v1, w0, a51);
                v0 = Vector512.Load(rows[6] + o);
                v1 = Vector512.Load(rows[6] + o + 16);
                a00 = Vector512.MultiplyAddEstimate(v0, w6, a00);
                a01 = Vector512.MultiplyAddEstimate(v1, w6, a01);
                a10 = Vector512.MultiplyAddEstimate(v0, w5, a10);
                a11 = Vector512.MultiplyAddEstimate(v1, w5, a11);
                a20 = Vector512.MultiplyAddEstimate(v0, w4, a20);
                a21 = Vector512.MultiplyAddEstimate(v1, w4, a21);
                a30 = Vector512.MultiplyAddEstimate(v0, w3, a30);
                a31 = Vector512.MultiplyAddEstimate(v1, w3, a31);
                a40 = Vector512.MultiplyAddEstimate(v0, w2, a40);
                a41 = Vector512.MultiplyAddEstimate(v1, w2, a41);
                a50 = Vector512.MultiplyAddEstimate(v0, w1, a50);
                a51 = Vector512.MultiplyAddEstimate(v1, w1, a51);
                a60 = Vector512.MultiplyAddEstimate(v0, w0, a60);
                a61 = Vector512.MultiplyAddEstimate(v1, w0, a61);
                v0 = Vector512.Load(rows[7] + o);
                v1 = Vector512.Load(rows[7] + o + 16);
                a10 = Vector512.MultiplyAddEstimate(v0, w6, a10);
                a11 = Vector512.MultiplyAddEstimate(v1, w6, a11);
                a20 = Vector512.MultiplyAddEstimate(v0, w5, a20);
                a21 = Vector512.MultiplyAddEstimate(v1, w5, a21);
                a30 = Vector512.MultiplyAddEstimate(v0, w4, a30);
                a31 = Vector512.MultiplyAddEstimate(v1, w4, a31);
                a40 = Vector512.MultiplyAddEstimate(v0, w3, a40);
                a41 = Vector512.MultiplyAddEstimate(v1, w3, a41);
                a50 = Vector512.MultiplyAddEstimate(v0, w2, a50);
                a51 = Vector512.MultiplyAddEstimate(v1, w2, a51);
                a60 = Vector512.MultiplyAddEstimate(v0, w1, a60);
                a61 = Vector512.MultiplyAddEstimate(v1, w1, a61);
                a70 = Vector512.MultiplyAddEstimate(v0, w0, a70);
                a71 = Vector512.MultiplyAddEstimate(v1, w0, a71);
                v0 = Vector512.Load(rows[8] + o);
                v1 = Vector512.Load(rows[8] + o + 16);
                a20 = Vector512.MultiplyAddEstimate(v0, w6, a20);
                a21 = Vector512.MultiplyAddEstimate(v1, w6, a21);
                a30 = Vector512.MultiplyAddEstimate(v0, w5, a30);
                a31 = Vector512.MultiplyAddEstimate(v1, w5, a31);
                a40 = Vector512.MultiplyAddEstimate(v0, w4, a40);
                a41 = Vector512.MultiplyAddEstimate(v1, w4, a41);
                a50 = Vector512.MultiplyAddEstimate(v0, w3, a50);
                a51 = Vector512.MultiplyAddEstimate(v1, w3, a51);
                a60 = Vector512.MultiplyAddEstimate(v0, w2, a60);
                a61 = Vector512.MultiplyAddEstimate(v1, w2, a61);
                a70 = Vector512.MultiplyAddEstimate(v0, w1, a70);
                a71 = Vector512.MultiplyAddEstimate(v1, w1, a71);
                v0 = Vector512.Load(rows[9] + o);
                v1 = Vector512.Load(rows[9] + o + 16);
                a30 = Vector512.MultiplyAddEstimate(v0, w6, a30);
                a31 = Vector512.MultiplyAddEstimate(v1, w6, a31);
                a40 = Vector512.MultiplyAddEstimate(v0, w5, a40);
                a41 = Vector512.MultiplyAddEstimate(v1, w5, a41);
                a50 = Vector512.MultiplyAddEstimate(v0, w4, a50);
                a51 = Vector512.MultiplyAddEstimate(v1, w4, a51);
                a60 = Vector512.MultiplyAddEstimate(v0, w3, a60);
                a61 = Vector512.MultiplyAddEstimate(v1, w3, a61);
                a70 = Vector512.MultiplyAddEstimate(v0, w2, a70);
                a71 = Vector512.MultiplyAddEstimate(v1, w2, a71);
                v0 = Vector512.Load(rows[10] + o);
                v1 = Vector512.Load(rows[10] + o + 16);
                a40 = Vector512.MultiplyAddEstimate(v0, w6, a40);
                a41 = Vector512.MultiplyAddEstimate(v1, w6, a41);
                a50 = Vector512.MultiplyAddEstimate(v0, w5, a50);
                a51 = Vector512.MultiplyAddEstimate(v1, w5, a51);
                a60 = Vector512.MultiplyAddEstimate(v0, w4, a60);
                a61 = Vector512.MultiplyAddEstimate(v1, w4, a61);
                a70 = Vector512.MultiplyAddEstimate(v0, w3, a70);
                a71 = Vector512.MultiplyAddEstimate(v1, w3, a71);
                v0 = Vector512.Load(rows[11] + o);
                v1 = Vector512.Load(rows[11] + o + 16);
                a50 = Vector512.MultiplyAddEstimate(v0, w6, a50);
                a51 = Vector512.MultiplyAddEstimate(v1, w6, a51);
                a60 = Vector512.MultiplyAddEstimate(v0, w5, a60);
                a61 = Vector512.MultiplyAddEstimate(v1, w5, a61);
                a70 = Vector512.MultiplyAddEstimate(v0, w4, a70);
                a71 = Vector512.MultiplyAddEstimate(v1, w4, a71);
                v0 = Vector512.Load(rows[12] + o);
                v1 = Vector512.Load(rows[12] + o + 16);
                a60 = Vector512.MultiplyAddEstimate(v0, w6, a60);
                a61 = Vector512.MultiplyAddEstimate(v1, w6, a61);
                a70 = Vector512.MultiplyAddEstimate(v0, w5, a70);
                a71 = Vector512.MultiplyAddEstimate(v1, w5, a71);
                v0 = Vector512.Load(rows[13] + o);
                v1 = Vector512.Load(rows[13] + o + 16);
                a70 = Vector512.MultiplyAddEstimate(v0, w6, a70);
                a71 = Vector512.MultiplyAddEstimate(v1, w6, a71);
            }

            a00.Store(d);
            a01.Store(d + 16);
            a10.Store(d + dstStride);
            a11.Store(d + dstStride + 16);
            a20.Store(d + (2 * dstStride));
            a21.Store(d + (2 * dstStride) + 16);
            a30.Store(d + (3 * dstStride));
            a31.Store(d + (3 * dstStride) + 16);
            a40.Store(d + (4 * dstStride));
            a41.Store(d + (4 * dstStride) + 16);
            a50.Store(d + (5 * dstStride));
            a51.Store(d + (5 * dstStride) + 16);
            a60.Store(d + (6 * dstStride));
            a61.Store(d + (6 * dstStride) + 16);
            a70.Store(d + (7 * dstStride));
            a71.Store(d + (7 * dstStride) + 16);
        }
    }

    /// <summary>
    /// <paramref name="blocks"/> blocks of eight output rows (<c>d0 + i * dstStride</c>) by 32 columns,
    /// block <c>b</c> at columns <c>32 * b</c> (right to left when <paramref name="backwards"/>), from
    /// input rows <c>rows[0 .. 11] + origin</c> (the first kernel column's offset) and the row-major 5x5
    /// kernel <paramref name="w"/>; starting from <paramref name="biasVector"/>, or from the
    /// destination's values when <paramref name="accumulate"/>. Reads columns up to 32 + 4 past a
    /// block's start, as the four-row block does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static unsafe void Oct5x5Blocks512(float** rows, nint origin, float* w, float* d0, nint dstStride, nint blocks, Vector512<float> biasVector, bool accumulate, bool backwards)
    {
        for (nint b = 0; b < blocks; b++)
        {
            nint x = (backwards ? blocks - 1 - b : b) * 32;
            float* d = d0 + x;
            Vector512<float> a00, a01, a10, a11, a20, a21, a30, a31, a40, a41, a50, a51, a60, a61, a70, a71;
            if (accumulate)
            {
                a00 = Vector512.Load(d);
                a01 = Vector512.Load(d + 16);
                a10 = Vector512.Load(d + dstStride);
                a11 = Vector512.Load(d + dstStride + 16);
                a20 = Vector512.Load(d + (2 * dstStride));
                a21 = Vector512.Load(d + (2 * dstStride) + 16);
                a30 = Vector512.Load(d + (3 * dstStride));
                a31 = Vector512.Load(d + (3 * dstStride) + 16);
                a40 = Vector512.Load(d + (4 * dstStride));
                a41 = Vector512.Load(d + (4 * dstStride) + 16);
                a50 = Vector512.Load(d + (5 * dstStride));
                a51 = Vector512.Load(d + (5 * dstStride) + 16);
                a60 = Vector512.Load(d + (6 * dstStride));
                a61 = Vector512.Load(d + (6 * dstStride) + 16);
                a70 = Vector512.Load(d + (7 * dstStride));
                a71 = Vector512.Load(d + (7 * dstStride) + 16);
            }
            else
            {
                a00 = a01 = a10 = a11 = a20 = a21 = a30 = a31 = a40 = a41 = a50 = a51 = a60 = a61 = a70 = a71 = biasVector;
            }

            for (nint kx = 0; kx < 5; kx++)
            {
                float* wk = w + kx;
                Vector512<float> w0 = Vector512.Create(wk[0]), w1 = Vector512.Create(wk[5]), w2 = Vector512.Create(wk[10]), w3 = Vector512.Create(wk[15]), w4 = Vector512.Create(wk[20]);
                nint o = origin + x + kx;
                Vector512<float> v0, v1;
                v0 = Vector512.Load(rows[0] + o);
                v1 = Vector512.Load(rows[0] + o + 16);
                a00 = Vector512.MultiplyAddEstimate(v0, w0, a00);
                a01 = Vector512.MultiplyAddEstimate(v1, w0, a01);
                v0 = Vector512.Load(rows[1] + o);
                v1 = Vector512.Load(rows[1] + o + 16);
                a00 = Vector512.MultiplyAddEstimate(v0, w1, a00);
                a01 = Vector512.MultiplyAddEstimate(v1, w1, a01);
                a10 = Vector512.MultiplyAddEstimate(v0, w0, a10);
                a11 = Vector512.MultiplyAddEstimate(v1, w0, a11);
                v0 = Vector512.Load(rows[2] + o);
                v1 = Vector512.Load(rows[2] + o + 16);
                a00 = Vector512.MultiplyAddEstimate(v0, w2, a00);
                a01 = Vector512.MultiplyAddEstimate(v1, w2, a01);
                a10 = Vector512.MultiplyAddEstimate(v0, w1, a10);
                a11 = Vector512.MultiplyAddEstimate(v1, w1, a11);
                a20 = Vector512.MultiplyAddEstimate(v0, w0, a20);
                a21 = Vector512.MultiplyAddEstimate(v1, w0, a21);
                v0 = Vector512.Load(rows[3] + o);
                v1 = Vector512.Load(rows[3] + o + 16);
                a00 = Vector512.MultiplyAddEstimate(v0, w3, a00);
                a01 = Vector512.MultiplyAddEstimate(v1, w3, a01);
                a10 = Vector512.MultiplyAddEstimate(v0, w2, a10);
                a11 = Vector512.MultiplyAddEstimate(v1, w2, a11);
                a20 = Vector512.MultiplyAddEstimate(v0, w1, a20);
                a21 = Vector512.MultiplyAddEstimate(v1, w1, a21);
                a30 = Vector512.MultiplyAddEstimate(v0, w0, a30);
                a31 = Vector512.MultiplyAddEstimate(v1, w0, a31);
                v0 = Vector512.Load(rows[4] + o);
                v1 = Vector512.Load(rows[4] + o + 16);
                a00 = Vector512.MultiplyAddEstimate(v0, w4, a00);
                a01 = Vector512.MultiplyAddEstimate(v1, w4, a01);
                a10 = Vector512.MultiplyAddEstimate(v0, w3, a10);
                a11 = Vector512.MultiplyAddEstimate(v1, w3, a11);
                a20 = Vector512.MultiplyAddEstimate(v0, w2, a20);
                a21 = Vector512.MultiplyAddEstimate(v1, w2, a21);
                a30 = Vector512.MultiplyAddEstimate(v0, w1, a30);
                a31 = Vector512.MultiplyAddEstimate(v1, w1, a31);
                a40 = Vector512.MultiplyAddEstimate(v0, w0, a40);
                a41 = Vector512.MultiplyAddEstimate(v1, w0, a41);
                v0 = Vector512.Load(rows[5] + o);
                v1 = Vector512.Load(rows[5] + o + 16);
                a10 = Vector512.MultiplyAddEstimate(v0, w4, a10);
                a11 = Vector512.MultiplyAddEstimate(v1, w4, a11);
                a20 = Vector512.MultiplyAddEstimate(v0, w3, a20);
                a21 = Vector512.MultiplyAddEstimate(v1, w3, a21);
                a30 = Vector512.MultiplyAddEstimate(v0, w2, a30);
                a31 = Vector512.MultiplyAddEstimate(v1, w2, a31);
                a40 = Vector512.MultiplyAddEstimate(v0, w1, a40);
                a41 = Vector512.MultiplyAddEstimate(v1, w1, a41);
                a50 = Vector512.MultiplyAddEstimate(v0, w0, a50);
                a51 = Vector512.MultiplyAddEstimate(v1, w0, a51);
                v0 = Vector512.Load(rows[6] + o);
                v1 = Vector512.Load(rows[6] + o + 16);
                a20 = Vector512.MultiplyAddEstimate(v0, w4, a20);
                a21 = Vector512.MultiplyAddEstimate(v1, w4, a21);
                a30 = Vector512.MultiplyAddEstimate(v0, w3, a30);
                a31 = Vector512.MultiplyAddEstimate(v1, w3, a31);
                a40 = Vector512.MultiplyAddEstimate(v0, w2, a40);
                a41 = Vector512.MultiplyAddEstimate(v1, w2, a41);
                a50 = Vector512.MultiplyAddEstimate(v0, w1, a50);
                a51 = Vector512.MultiplyAddEstimate(v1, w1, a51);
                a60 = Vector512.MultiplyAddEstimate(v0, w0, a60);
                a61 = Vector512.MultiplyAddEstimate(v1, w0, a61);
                v0 = Vector512.Load(rows[7] + o);
                v1 = Vector512.Load(rows[7] + o + 16);
                a30 = Vector512.MultiplyAddEstimate(v0, w4, a30);
                a31 = Vector512.MultiplyAddEstimate(v1, w4, a31);
                a40 = Vector512.MultiplyAddEstimate(v0, w3, a40);
                a41 = Vector512.MultiplyAddEstimate(v1, w3, a41);
                a50 = Vector512.MultiplyAddEstimate(v0, w2, a50);
                a51 = Vector512.MultiplyAddEstimate(v1, w2, a51);
                a60 = Vector512.MultiplyAddEstimate(v0, w1, a60);
                a61 = Vector512.MultiplyAddEstimate(v1, w1, a61);
                a70 = Vector512.MultiplyAddEstimate(v0, w0, a70);
                a71 = Vector512.MultiplyAddEstimate(v1, w0, a71);
                v0 = Vector512.Load(rows[8] + o);
                v1 = Vector512.Load(rows[8] + o + 16);
                a40 = Vector512.MultiplyAddEstimate(v0, w4, a40);
                a41 = Vector512.MultiplyAddEstimate(v1, w4, a41);
                a50 = Vector512.MultiplyAddEstimate(v0, w3, a50);
                a51 = Vector512.MultiplyAddEstimate(v1, w3, a51);
                a60 = Vector512.MultiplyAddEstimate(v0, w2, a60);
                a61 = Vector512.MultiplyAddEstimate(v1, w2, a61);
                a70 = Vector512.MultiplyAddEstimate(v0, w1, a70);
                a71 = Vector512.MultiplyAddEstimate(v1, w1, a71);
                v0 = Vector512.Load(rows[9] + o);
                v1 = Vector512.Load(rows[9] + o + 16);
                a50 = Vector512.MultiplyAddEstimate(v0, w4, a50);
                a51 = Vector512.MultiplyAddEstimate(v1, w4, a51);
                a60 = Vector512.MultiplyAddEstimate(v0, w3, a60);
                a61 = Vector512.MultiplyAddEstimate(v1, w3, a61);
                a70 = Vector512.MultiplyAddEstimate(v0, w2, a70);
                a71 = Vector512.MultiplyAddEstimate(v1, w2, a71);
                v0 = Vector512.Load(rows[10] + o);
                v1 = Vector512.Load(rows[10] + o + 16);
                a60 = Vector512.MultiplyAddEstimate(v0, w4, a60);
                a61 = Vector512.MultiplyAddEstimate(v1, w4, a61);
                a70 = Vector512.MultiplyAddEstimate(v0, w3, a70);
                a71 = Vector512.MultiplyAddEstimate(v1, w3, a71);
                v0 = Vector512.Load(rows[11] + o);
                v1 = Vector512.Load(rows[11] + o + 16);
                a70 = Vector512.MultiplyAddEstimate(v0, w4, a70);
                a71 = Vector512.MultiplyAddEstimate(v1, w4, a71);
            }

            a00.Store(d);
            a01.Store(d + 16);
            a10.Store(d + dstStride);
            a11.Store(d + dstStride + 16);
            a20.Store(d + (2 * dstStride));
            a21.Store(d + (2 * dstStride) + 16);
            a30.Store(d + (3 * dstStride));
            a31.Store(d + (3 * dstStride) + 16);
            a40.Store(d + (4 * dstStride));
            a41.Store(d + (4 * dstStride) + 16);
            a50.Store(d + (5 * dstStride));
            a51.Store(d + (5 * dstStride) + 16);
            a60.Store(d + (6 * dstStride));
            a61.Store(d + (6 * dstStride) + 16);
            a70.Store(d + (7 * dstStride));
            a71.Store(d + (7 * dstStride) + 16);
        }
    }

    /// <summary>
    /// The two masked edge vectors of eight output rows at once, for a 7x7 kernel: the left edge's at
    /// column 0 (<paramref name="leftMasks"/>) and the right edge's at <paramref name="right"/>
    /// (<paramref name="rightMasks"/>), from input rows <c>rows[0 .. 13] + origin</c>, as
    /// <see cref="Oct7x7Blocks512"/> computes its blocks (sixteen accumulators, the kernel column's
    /// weights in registers), each tap's loads ANDed with its lane masks as in
    /// <see cref="Rows4x1Masked{TOps, TVec, TKh}"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static unsafe void Oct7x7Edges512(float** rows, nint origin, float* w, float* leftMasks, float* rightMasks, float* d, nint dstStride, nint right, Vector512<float> biasVector, bool accumulate)
    {
        Vector512<float> a00, a01, a10, a11, a20, a21, a30, a31, a40, a41, a50, a51, a60, a61, a70, a71;
        if (accumulate)
        {
            a00 = Vector512.Load(d);
            a01 = Vector512.Load(d + right);
            a10 = Vector512.Load(d + dstStride);
            a11 = Vector512.Load(d + dstStride + right);
            a20 = Vector512.Load(d + (2 * dstStride));
            a21 = Vector512.Load(d + (2 * dstStride) + right);
            a30 = Vector512.Load(d + (3 * dstStride));
            a31 = Vector512.Load(d + (3 * dstStride) + right);
            a40 = Vector512.Load(d + (4 * dstStride));
            a41 = Vector512.Load(d + (4 * dstStride) + right);
            a50 = Vector512.Load(d + (5 * dstStride));
            a51 = Vector512.Load(d + (5 * dstStride) + right);
            a60 = Vector512.Load(d + (6 * dstStride));
            a61 = Vector512.Load(d + (6 * dstStride) + right);
            a70 = Vector512.Load(d + (7 * dstStride));
            a71 = Vector512.Load(d + (7 * dstStride) + right);
        }
        else
        {
            a00 = a01 = a10 = a11 = a20 = a21 = a30 = a31 = a40 = a41 = a50 = a51 = a60 = a61 = a70 = a71 = biasVector;
        }

        for (nint kx = 0; kx < 7; kx++)
        {
            float* wk = w + kx;
            Vector512<float> w0 = Vector512.Create(wk[0]), w1 = Vector512.Create(wk[7]), w2 = Vector512.Create(wk[14]), w3 = Vector512.Create(wk[21]), w4 = Vector512.Create(wk[28]), w5 = Vector512.Create(wk[35]), w6 = Vector512.Create(wk[42]);
            Vector512<float> leftMask = Vector512.Load(leftMasks + (kx * 16)), rightMask = Vector512.Load(rightMasks + (kx * 16));
            nint o = origin + kx;
            Vector512<float> v0, v1;
            v0 = Vector512.Load(rows[0] + o) & leftMask;
            v1 = Vector512.Load(rows[0] + o + right) & rightMask;
            a00 = Vector512.MultiplyAddEstimate(v0, w0, a00);
            a01 = Vector512.MultiplyAddEstimate(v1, w0, a01);
            v0 = Vector512.Load(rows[1] + o) & leftMask;
            v1 = Vector512.Load(rows[1] + o + right) & rightMask;
            a00 = Vector512.MultiplyAddEstimate(v0, w1, a00);
            a01 = Vector512.MultiplyAddEstimate(v1, w1, a01);
            a10 = Vector512.MultiplyAddEstimate(v0, w0, a10);
            a11 = Vector512.MultiplyAddEstimate(v1, w0, a11);
            v0 = Vector512.Load(rows[2] + o) & leftMask;
            v1 = Vector512.Load(rows[2] + o + right) & rightMask;
            a00 = Vector512.MultiplyAddEstimate(v0, w2, a00);
            a01 = Vector512.MultiplyAddEstimate(v1, w2, a01);
            a10 = Vector512.MultiplyAddEstimate(v0, w1, a10);
            a11 = Vector512.MultiplyAddEstimate(v1, w1, a11);
            a20 = Vector512.MultiplyAddEstimate(v0, w0, a20);
            a21 = Vector512.MultiplyAddEstimate(v1, w0, a21);
            v0 = Vector512.Load(rows[3] + o) & leftMask;
            v1 = Vector512.Load(rows[3] + o + right) & rightMask;
            a00 = Vector512.MultiplyAddEstimate(v0, w3, a00);
            a01 = Vector512.MultiplyAddEstimate(v1, w3, a01);
            a10 = Vector512.MultiplyAddEstimate(v0, w2, a10);
            a11 = Vector512.MultiplyAddEstimate(v1, w2, a11);
            a20 = Vector512.MultiplyAddEstimate(v0, w1, a20);
            a21 = Vector512.MultiplyAddEstimate(v1, w1, a21);
            a30 = Vector512.MultiplyAddEstimate(v0, w0, a30);
            a31 = Vector512.MultiplyAddEstimate(v1, w0, a31);
            v0 = Vector512.Load(rows[4] + o) & leftMask;
            v1 = Vector512.Load(rows[4] + o + right) & rightMask;
            a00 = Vector512.MultiplyAddEstimate(v0, w4, a00);
            a01 = Vector512.MultiplyAddEstimate(v1, w4, a01);
            a10 = Vector512.MultiplyAddEstimate(v0, w3, a10);
            a11 = Vector512.MultiplyAddEstimate(v1, w3, a11);
            a20 = Vector512.MultiplyAddEstimate(v0, w2, a20);
            a21 = Vector512.MultiplyAddEstimate(v1, w2, a21);
            a30 = Vector512.MultiplyAddEstimate(v0, w1, a30);
            a31 = Vector512.MultiplyAddEstimate(v1, w1, a31);
            a40 = Vector512.MultiplyAddEstimate(v0, w0, a40);
            a41 = Vector512.MultiplyAddEstimate(v1, w0, a41);
            v0 = Vector512.Load(rows[5] + o) & leftMask;
            v1 = Vector512.Load(rows[5] + o + right) & rightMask;
            a00 = Vector512.MultiplyAddEstimate(v0, w5, a00);
            a01 = Vector512.MultiplyAddEstimate(v1, w5, a01);
            a10 = Vector512.MultiplyAddEstimate(v0, w4, a10);
            a11 = Vector512.MultiplyAddEstimate(v1, w4, a11);
            a20 = Vector512.MultiplyAddEstimate(v0, w3, a20);
            a21 = Vector512.MultiplyAddEstimate(v1, w3, a21);
            a30 = Vector512.MultiplyAddEstimate(v0, w2, a30);
            a31 = Vector512.MultiplyAddEstimate(v1, w2, a31);
            a40 = Vector512.MultiplyAddEstimate(v0, w1, a40);
            a41 = Vector512.MultiplyAddEstimate(v1, w1, a41);
            a50 = Vector512.MultiplyAddEstimate(v0, w0, a50);
            a51 = Vector512.MultiplyAddEstimate(v1, w0, a51);
            v0 = Vector512.Load(rows[6] + o) & leftMask;
            v1 = Vector512.Load(rows[6] + o + right) & rightMask;
            a00 = Vector512.MultiplyAddEstimate(v0, w6, a00);
            a01 = Vector512.MultiplyAddEstimate(v1, w6, a01);
            a10 = Vector512.MultiplyAddEstimate(v0, w5, a10);
            a11 = Vector512.MultiplyAddEstimate(v1, w5, a11);
            a20 = Vector512.MultiplyAddEstimate(v0, w4, a20);
            a21 = Vector512.MultiplyAddEstimate(v1, w4, a21);
            a30 = Vector512.MultiplyAddEstimate(v0, w3, a30);
            a31 = Vector512.MultiplyAddEstimate(v1, w3, a31);
            a40 = Vector512.MultiplyAddEstimate(v0, w2, a40);
            a41 = Vector512.MultiplyAddEstimate(v1, w2, a41);
            a50 = Vector512.MultiplyAddEstimate(v0, w1, a50);
            a51 = Vector512.MultiplyAddEstimate(v1, w1, a51);
            a60 = Vector512.MultiplyAddEstimate(v0, w0, a60);
            a61 = Vector512.MultiplyAddEstimate(v1, w0, a61);
            v0 = Vector512.Load(rows[7] + o) & leftMask;
            v1 = Vector512.Load(rows[7] + o + right) & rightMask;
            a10 = Vector512.MultiplyAddEstimate(v0, w6, a10);
            a11 = Vector512.MultiplyAddEstimate(v1, w6, a11);
            a20 = Vector512.MultiplyAddEstimate(v0, w5, a20);
            a21 = Vector512.MultiplyAddEstimate(v1, w5, a21);
            a30 = Vector512.MultiplyAddEstimate(v0, w4, a30);
            a31 = Vector512.MultiplyAddEstimate(v1, w4, a31);
            a40 = Vector512.MultiplyAddEstimate(v0, w3, a40);
            a41 = Vector512.MultiplyAddEstimate(v1, w3, a41);
            a50 = Vector512.MultiplyAddEstimate(v0, w2, a50);
            a51 = Vector512.MultiplyAddEstimate(v1, w2, a51);
            a60 = Vector512.MultiplyAddEstimate(v0, w1, a60);
            a61 = Vector512.MultiplyAddEstimate(v1, w1, a61);
            a70 = Vector512.MultiplyAddEstimate(v0, w0, a70);
            a71 = Vector512.MultiplyAddEstimate(v1, w0, a71);
            v0 = Vector512.Load(rows[8] + o) & leftMask;
            v1 = Vector512.Load(rows[8] + o + right) & rightMask;
            a20 = Vector512.MultiplyAddEstimate(v0, w6, a20);
            a21 = Vector512.MultiplyAddEstimate(v1, w6, a21);
            a30 = Vector512.MultiplyAddEstimate(v0, w5, a30);
            a31 = Vector512.MultiplyAddEstimate(v1, w5, a31);
            a40 = Vector512.MultiplyAddEstimate(v0, w4, a40);
            a41 = Vector512.MultiplyAddEstimate(v1, w4, a41);
            a50 = Vector512.MultiplyAddEstimate(v0, w3, a50);
            a51 = Vector512.MultiplyAddEstimate(v1, w3, a51);
            a60 = Vector512.MultiplyAddEstimate(v0, w2, a60);
            a61 = Vector512.MultiplyAddEstimate(v1, w2, a61);
            a70 = Vector512.MultiplyAddEstimate(v0, w1, a70);
            a71 = Vector512.MultiplyAddEstimate(v1, w1, a71);
            v0 = Vector512.Load(rows[9] + o) & leftMask;
            v1 = Vector512.Load(rows[9] + o + right) & rightMask;
            a30 = Vector512.MultiplyAddEstimate(v0, w6, a30);
            a31 = Vector512.MultiplyAddEstimate(v1, w6, a31);
            a40 = Vector512.MultiplyAddEstimate(v0, w5, a40);
            a41 = Vector512.MultiplyAddEstimate(v1, w5, a41);
            a50 = Vector512.MultiplyAddEstimate(v0, w4, a50);
            a51 = Vector512.MultiplyAddEstimate(v1, w4, a51);
            a60 = Vector512.MultiplyAddEstimate(v0, w3, a60);
            a61 = Vector512.MultiplyAddEstimate(v1, w3, a61);
            a70 = Vector512.MultiplyAddEstimate(v0, w2, a70);
            a71 = Vector512.MultiplyAddEstimate(v1, w2, a71);
            v0 = Vector512.Load(rows[10] + o) & leftMask;
            v1 = Vector512.Load(rows[10] + o + right) & rightMask;
            a40 = Vector512.MultiplyAddEstimate(v0, w6, a40);
            a41 = Vector512.MultiplyAddEstimate(v1, w6, a41);
            a50 = Vector512.MultiplyAddEstimate(v0, w5, a50);
            a51 = Vector512.MultiplyAddEstimate(v1, w5, a51);
            a60 = Vector512.MultiplyAddEstimate(v0, w4, a60);
            a61 = Vector512.MultiplyAddEstimate(v1, w4, a61);
            a70 = Vector512.MultiplyAddEstimate(v0, w3, a70);
            a71 = Vector512.MultiplyAddEstimate(v1, w3, a71);
            v0 = Vector512.Load(rows[11] + o) & leftMask;
            v1 = Vector512.Load(rows[11] + o + right) & rightMask;
            a50 = Vector512.MultiplyAddEstimate(v0, w6, a50);
            a51 = Vector512.MultiplyAddEstimate(v1, w6, a51);
            a60 = Vector512.MultiplyAddEstimate(v0, w5, a60);
            a61 = Vector512.MultiplyAddEstimate(v1, w5, a61);
            a70 = Vector512.MultiplyAddEstimate(v0, w4, a70);
            a71 = Vector512.MultiplyAddEstimate(v1, w4, a71);
            v0 = Vector512.Load(rows[12] + o) & leftMask;
            v1 = Vector512.Load(rows[12] + o + right) & rightMask;
            a60 = Vector512.MultiplyAddEstimate(v0, w6, a60);
            a61 = Vector512.MultiplyAddEstimate(v1, w6, a61);
            a70 = Vector512.MultiplyAddEstimate(v0, w5, a70);
            a71 = Vector512.MultiplyAddEstimate(v1, w5, a71);
            v0 = Vector512.Load(rows[13] + o) & leftMask;
            v1 = Vector512.Load(rows[13] + o + right) & rightMask;
            a70 = Vector512.MultiplyAddEstimate(v0, w6, a70);
            a71 = Vector512.MultiplyAddEstimate(v1, w6, a71);
        }

        a00.Store(d);
        a01.Store(d + right);
        a10.Store(d + dstStride);
        a11.Store(d + dstStride + right);
        a20.Store(d + (2 * dstStride));
        a21.Store(d + (2 * dstStride) + right);
        a30.Store(d + (3 * dstStride));
        a31.Store(d + (3 * dstStride) + right);
        a40.Store(d + (4 * dstStride));
        a41.Store(d + (4 * dstStride) + right);
        a50.Store(d + (5 * dstStride));
        a51.Store(d + (5 * dstStride) + right);
        a60.Store(d + (6 * dstStride));
        a61.Store(d + (6 * dstStride) + right);
        a70.Store(d + (7 * dstStride));
        a71.Store(d + (7 * dstStride) + right);
    }

    /// <summary>
    /// The two masked edge vectors of eight output rows at once, for a 5x5 kernel: the left edge's at
    /// column 0 (<paramref name="leftMasks"/>) and the right edge's at <paramref name="right"/>
    /// (<paramref name="rightMasks"/>), from input rows <c>rows[0 .. 11] + origin</c>, as
    /// <see cref="Oct5x5Blocks512"/> computes its blocks (sixteen accumulators, the kernel column's
    /// weights in registers), each tap's loads ANDed with its lane masks as in
    /// <see cref="Rows4x1Masked{TOps, TVec, TKh}"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static unsafe void Oct5x5Edges512(float** rows, nint origin, float* w, float* leftMasks, float* rightMasks, float* d, nint dstStride, nint right, Vector512<float> biasVector, bool accumulate)
    {
        Vector512<float> a00, a01, a10, a11, a20, a21, a30, a31, a40, a41, a50, a51, a60, a61, a70, a71;
        if (accumulate)
        {
            a00 = Vector512.Load(d);
            a01 = Vector512.Load(d + right);
            a10 = Vector512.Load(d + dstStride);
            a11 = Vector512.Load(d + dstStride + right);
            a20 = Vector512.Load(d + (2 * dstStride));
            a21 = Vector512.Load(d + (2 * dstStride) + right);
            a30 = Vector512.Load(d + (3 * dstStride));
            a31 = Vector512.Load(d + (3 * dstStride) + right);
            a40 = Vector512.Load(d + (4 * dstStride));
            a41 = Vector512.Load(d + (4 * dstStride) + right);
            a50 = Vector512.Load(d + (5 * dstStride));
            a51 = Vector512.Load(d + (5 * dstStride) + right);
            a60 = Vector512.Load(d + (6 * dstStride));
            a61 = Vector512.Load(d + (6 * dstStride) + right);
            a70 = Vector512.Load(d + (7 * dstStride));
            a71 = Vector512.Load(d + (7 * dstStride) + right);
        }
        else
        {
            a00 = a01 = a10 = a11 = a20 = a21 = a30 = a31 = a40 = a41 = a50 = a51 = a60 = a61 = a70 = a71 = biasVector;
        }

        for (nint kx = 0; kx < 5; kx++)
        {
            float* wk = w + kx;
            Vector512<float> w0 = Vector512.Create(wk[0]), w1 = Vector512.Create(wk[5]), w2 = Vector512.Create(wk[10]), w3 = Vector512.Create(wk[15]), w4 = Vector512.Create(wk[20]);
            Vector512<float> leftMask = Vector512.Load(leftMasks + (kx * 16)), rightMask = Vector512.Load(rightMasks + (kx * 16));
            nint o = origin + kx;
            Vector512<float> v0, v1;
            v0 = Vector512.Load(rows[0] + o) & leftMask;
            v1 = Vector512.Load(rows[0] + o + right) & rightMask;
            a00 = Vector512.MultiplyAddEstimate(v0, w0, a00);
            a01 = Vector512.MultiplyAddEstimate(v1, w0, a01);
            v0 = Vector512.Load(rows[1] + o) & leftMask;
            v1 = Vector512.Load(rows[1] + o + right) & rightMask;
            a00 = Vector512.MultiplyAddEstimate(v0, w1, a00);
            a01 = Vector512.MultiplyAddEstimate(v1, w1, a01);
            a10 = Vector512.MultiplyAddEstimate(v0, w0, a10);
            a11 = Vector512.MultiplyAddEstimate(v1, w0, a11);
            v0 = Vector512.Load(rows[2] + o) & leftMask;
            v1 = Vector512.Load(rows[2] + o + right) & rightMask;
            a00 = Vector512.MultiplyAddEstimate(v0, w2, a00);
            a01 = Vector512.MultiplyAddEstimate(v1, w2, a01);
            a10 = Vector512.MultiplyAddEstimate(v0, w1, a10);
            a11 = Vector512.MultiplyAddEstimate(v1, w1, a11);
            a20 = Vector512.MultiplyAddEstimate(v0, w0, a20);
            a21 = Vector512.MultiplyAddEstimate(v1, w0, a21);
            v0 = Vector512.Load(rows[3] + o) & leftMask;
            v1 = Vector512.Load(rows[3] + o + right) & rightMask;
            a00 = Vector512.MultiplyAddEstimate(v0, w3, a00);
            a01 = Vector512.MultiplyAddEstimate(v1, w3, a01);
            a10 = Vector512.MultiplyAddEstimate(v0, w2, a10);
            a11 = Vector512.MultiplyAddEstimate(v1, w2, a11);
            a20 = Vector512.MultiplyAddEstimate(v0, w1, a20);
            a21 = Vector512.MultiplyAddEstimate(v1, w1, a21);
            a30 = Vector512.MultiplyAddEstimate(v0, w0, a30);
            a31 = Vector512.MultiplyAddEstimate(v1, w0, a31);
            v0 = Vector512.Load(rows[4] + o) & leftMask;
            v1 = Vector512.Load(rows[4] + o + right) & rightMask;
            a00 = Vector512.MultiplyAddEstimate(v0, w4, a00);
            a01 = Vector512.MultiplyAddEstimate(v1, w4, a01);
            a10 = Vector512.MultiplyAddEstimate(v0, w3, a10);
            a11 = Vector512.MultiplyAddEstimate(v1, w3, a11);
            a20 = Vector512.MultiplyAddEstimate(v0, w2, a20);
            a21 = Vector512.MultiplyAddEstimate(v1, w2, a21);
            a30 = Vector512.MultiplyAddEstimate(v0, w1, a30);
            a31 = Vector512.MultiplyAddEstimate(v1, w1, a31);
            a40 = Vector512.MultiplyAddEstimate(v0, w0, a40);
            a41 = Vector512.MultiplyAddEstimate(v1, w0, a41);
            v0 = Vector512.Load(rows[5] + o) & leftMask;
            v1 = Vector512.Load(rows[5] + o + right) & rightMask;
            a10 = Vector512.MultiplyAddEstimate(v0, w4, a10);
            a11 = Vector512.MultiplyAddEstimate(v1, w4, a11);
            a20 = Vector512.MultiplyAddEstimate(v0, w3, a20);
            a21 = Vector512.MultiplyAddEstimate(v1, w3, a21);
            a30 = Vector512.MultiplyAddEstimate(v0, w2, a30);
            a31 = Vector512.MultiplyAddEstimate(v1, w2, a31);
            a40 = Vector512.MultiplyAddEstimate(v0, w1, a40);
            a41 = Vector512.MultiplyAddEstimate(v1, w1, a41);
            a50 = Vector512.MultiplyAddEstimate(v0, w0, a50);
            a51 = Vector512.MultiplyAddEstimate(v1, w0, a51);
            v0 = Vector512.Load(rows[6] + o) & leftMask;
            v1 = Vector512.Load(rows[6] + o + right) & rightMask;
            a20 = Vector512.MultiplyAddEstimate(v0, w4, a20);
            a21 = Vector512.MultiplyAddEstimate(v1, w4, a21);
            a30 = Vector512.MultiplyAddEstimate(v0, w3, a30);
            a31 = Vector512.MultiplyAddEstimate(v1, w3, a31);
            a40 = Vector512.MultiplyAddEstimate(v0, w2, a40);
            a41 = Vector512.MultiplyAddEstimate(v1, w2, a41);
            a50 = Vector512.MultiplyAddEstimate(v0, w1, a50);
            a51 = Vector512.MultiplyAddEstimate(v1, w1, a51);
            a60 = Vector512.MultiplyAddEstimate(v0, w0, a60);
            a61 = Vector512.MultiplyAddEstimate(v1, w0, a61);
            v0 = Vector512.Load(rows[7] + o) & leftMask;
            v1 = Vector512.Load(rows[7] + o + right) & rightMask;
            a30 = Vector512.MultiplyAddEstimate(v0, w4, a30);
            a31 = Vector512.MultiplyAddEstimate(v1, w4, a31);
            a40 = Vector512.MultiplyAddEstimate(v0, w3, a40);
            a41 = Vector512.MultiplyAddEstimate(v1, w3, a41);
            a50 = Vector512.MultiplyAddEstimate(v0, w2, a50);
            a51 = Vector512.MultiplyAddEstimate(v1, w2, a51);
            a60 = Vector512.MultiplyAddEstimate(v0, w1, a60);
            a61 = Vector512.MultiplyAddEstimate(v1, w1, a61);
            a70 = Vector512.MultiplyAddEstimate(v0, w0, a70);
            a71 = Vector512.MultiplyAddEstimate(v1, w0, a71);
            v0 = Vector512.Load(rows[8] + o) & leftMask;
            v1 = Vector512.Load(rows[8] + o + right) & rightMask;
            a40 = Vector512.MultiplyAddEstimate(v0, w4, a40);
            a41 = Vector512.MultiplyAddEstimate(v1, w4, a41);
            a50 = Vector512.MultiplyAddEstimate(v0, w3, a50);
            a51 = Vector512.MultiplyAddEstimate(v1, w3, a51);
            a60 = Vector512.MultiplyAddEstimate(v0, w2, a60);
            a61 = Vector512.MultiplyAddEstimate(v1, w2, a61);
            a70 = Vector512.MultiplyAddEstimate(v0, w1, a70);
            a71 = Vector512.MultiplyAddEstimate(v1, w1, a71);
            v0 = Vector512.Load(rows[9] + o) & leftMask;
            v1 = Vector512.Load(rows[9] + o + right) & rightMask;
            a50 = Vector512.MultiplyAddEstimate(v0, w4, a50);
            a51 = Vector512.MultiplyAddEstimate(v1, w4, a51);
            a60 = Vector512.MultiplyAddEstimate(v0, w3, a60);
            a61 = Vector512.MultiplyAddEstimate(v1, w3, a61);
            a70 = Vector512.MultiplyAddEstimate(v0, w2, a70);
            a71 = Vector512.MultiplyAddEstimate(v1, w2, a71);
            v0 = Vector512.Load(rows[10] + o) & leftMask;
            v1 = Vector512.Load(rows[10] + o + right) & rightMask;
            a60 = Vector512.MultiplyAddEstimate(v0, w4, a60);
            a61 = Vector512.MultiplyAddEstimate(v1, w4, a61);
            a70 = Vector512.MultiplyAddEstimate(v0, w3, a70);
            a71 = Vector512.MultiplyAddEstimate(v1, w3, a71);
            v0 = Vector512.Load(rows[11] + o) & leftMask;
            v1 = Vector512.Load(rows[11] + o + right) & rightMask;
            a70 = Vector512.MultiplyAddEstimate(v0, w4, a70);
            a71 = Vector512.MultiplyAddEstimate(v1, w4, a71);
        }

        a00.Store(d);
        a01.Store(d + right);
        a10.Store(d + dstStride);
        a11.Store(d + dstStride + right);
        a20.Store(d + (2 * dstStride));
        a21.Store(d + (2 * dstStride) + right);
        a30.Store(d + (3 * dstStride));
        a31.Store(d + (3 * dstStride) + right);
        a40.Store(d + (4 * dstStride));
        a41.Store(d + (4 * dstStride) + right);
        a50.Store(d + (5 * dstStride));
        a51.Store(d + (5 * dstStride) + right);
        a60.Store(d + (6 * dstStride));
        a61.Store(d + (6 * dstStride) + right);
        a70.Store(d + (7 * dstStride));
        a71.Store(d + (7 * dstStride) + right);
    }

    /// <summary>
    /// <paramref name="blocks"/> blocks of eight output rows (<c>d0 + i * dstStride</c>) by 32 columns,
    /// as <see cref="Oct5x5Blocks512"/> computes them, for a row-major 3x3 kernel <paramref name="w"/>
    /// from input rows <c>rows[0 .. 9] + origin</c>: 16 accumulators and the kernel column's three
    /// weights in registers, each input load feeding up to three output rows (20 loads per 48 FMAs).
    /// Reads columns up to 32 + 2 past a block's start. Used on zero-padded copies only
    /// (<see cref="ConvolveNarrowOct"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static unsafe void Oct3x3Blocks512(float** rows, nint origin, float* w, float* d0, nint dstStride, nint blocks, Vector512<float> biasVector, bool accumulate, bool backwards)
    {
        for (nint b = 0; b < blocks; b++)
        {
            nint x = (backwards ? blocks - 1 - b : b) * 32;
            float* d = d0 + x;
            Vector512<float> a0_0, a0_1, a1_0, a1_1, a2_0, a2_1, a3_0, a3_1, a4_0, a4_1, a5_0, a5_1, a6_0, a6_1, a7_0, a7_1;
            if (accumulate)
            {
                a0_0 = Vector512.Load(d);
                a0_1 = Vector512.Load(d + 16);
                a1_0 = Vector512.Load(d + dstStride);
                a1_1 = Vector512.Load(d + dstStride + 16);
                a2_0 = Vector512.Load(d + (2 * dstStride));
                a2_1 = Vector512.Load(d + (2 * dstStride) + 16);
                a3_0 = Vector512.Load(d + (3 * dstStride));
                a3_1 = Vector512.Load(d + (3 * dstStride) + 16);
                a4_0 = Vector512.Load(d + (4 * dstStride));
                a4_1 = Vector512.Load(d + (4 * dstStride) + 16);
                a5_0 = Vector512.Load(d + (5 * dstStride));
                a5_1 = Vector512.Load(d + (5 * dstStride) + 16);
                a6_0 = Vector512.Load(d + (6 * dstStride));
                a6_1 = Vector512.Load(d + (6 * dstStride) + 16);
                a7_0 = Vector512.Load(d + (7 * dstStride));
                a7_1 = Vector512.Load(d + (7 * dstStride) + 16);
            }
            else
            {
                a0_0 = a0_1 = a1_0 = a1_1 = a2_0 = a2_1 = a3_0 = a3_1 = a4_0 = a4_1 = a5_0 = a5_1 = a6_0 = a6_1 = a7_0 = a7_1 = biasVector;
            }

            for (nint kx = 0; kx < 3; kx++)
            {
                float* wk = w + kx;
                Vector512<float> w0 = Vector512.Create(wk[0]), w1 = Vector512.Create(wk[3]), w2 = Vector512.Create(wk[6]);
                nint o = origin + x + kx;
                Vector512<float> v0, v1;
                v0 = Vector512.Load(rows[0] + o);
                v1 = Vector512.Load(rows[0] + o + 16);
                a0_0 = Vector512.MultiplyAddEstimate(v0, w0, a0_0);
                a0_1 = Vector512.MultiplyAddEstimate(v1, w0, a0_1);
                v0 = Vector512.Load(rows[1] + o);
                v1 = Vector512.Load(rows[1] + o + 16);
                a0_0 = Vector512.MultiplyAddEstimate(v0, w1, a0_0);
                a0_1 = Vector512.MultiplyAddEstimate(v1, w1, a0_1);
                a1_0 = Vector512.MultiplyAddEstimate(v0, w0, a1_0);
                a1_1 = Vector512.MultiplyAddEstimate(v1, w0, a1_1);
                v0 = Vector512.Load(rows[2] + o);
                v1 = Vector512.Load(rows[2] + o + 16);
                a0_0 = Vector512.MultiplyAddEstimate(v0, w2, a0_0);
                a0_1 = Vector512.MultiplyAddEstimate(v1, w2, a0_1);
                a1_0 = Vector512.MultiplyAddEstimate(v0, w1, a1_0);
                a1_1 = Vector512.MultiplyAddEstimate(v1, w1, a1_1);
                a2_0 = Vector512.MultiplyAddEstimate(v0, w0, a2_0);
                a2_1 = Vector512.MultiplyAddEstimate(v1, w0, a2_1);
                v0 = Vector512.Load(rows[3] + o);
                v1 = Vector512.Load(rows[3] + o + 16);
                a1_0 = Vector512.MultiplyAddEstimate(v0, w2, a1_0);
                a1_1 = Vector512.MultiplyAddEstimate(v1, w2, a1_1);
                a2_0 = Vector512.MultiplyAddEstimate(v0, w1, a2_0);
                a2_1 = Vector512.MultiplyAddEstimate(v1, w1, a2_1);
                a3_0 = Vector512.MultiplyAddEstimate(v0, w0, a3_0);
                a3_1 = Vector512.MultiplyAddEstimate(v1, w0, a3_1);
                v0 = Vector512.Load(rows[4] + o);
                v1 = Vector512.Load(rows[4] + o + 16);
                a2_0 = Vector512.MultiplyAddEstimate(v0, w2, a2_0);
                a2_1 = Vector512.MultiplyAddEstimate(v1, w2, a2_1);
                a3_0 = Vector512.MultiplyAddEstimate(v0, w1, a3_0);
                a3_1 = Vector512.MultiplyAddEstimate(v1, w1, a3_1);
                a4_0 = Vector512.MultiplyAddEstimate(v0, w0, a4_0);
                a4_1 = Vector512.MultiplyAddEstimate(v1, w0, a4_1);
                v0 = Vector512.Load(rows[5] + o);
                v1 = Vector512.Load(rows[5] + o + 16);
                a3_0 = Vector512.MultiplyAddEstimate(v0, w2, a3_0);
                a3_1 = Vector512.MultiplyAddEstimate(v1, w2, a3_1);
                a4_0 = Vector512.MultiplyAddEstimate(v0, w1, a4_0);
                a4_1 = Vector512.MultiplyAddEstimate(v1, w1, a4_1);
                a5_0 = Vector512.MultiplyAddEstimate(v0, w0, a5_0);
                a5_1 = Vector512.MultiplyAddEstimate(v1, w0, a5_1);
                v0 = Vector512.Load(rows[6] + o);
                v1 = Vector512.Load(rows[6] + o + 16);
                a4_0 = Vector512.MultiplyAddEstimate(v0, w2, a4_0);
                a4_1 = Vector512.MultiplyAddEstimate(v1, w2, a4_1);
                a5_0 = Vector512.MultiplyAddEstimate(v0, w1, a5_0);
                a5_1 = Vector512.MultiplyAddEstimate(v1, w1, a5_1);
                a6_0 = Vector512.MultiplyAddEstimate(v0, w0, a6_0);
                a6_1 = Vector512.MultiplyAddEstimate(v1, w0, a6_1);
                v0 = Vector512.Load(rows[7] + o);
                v1 = Vector512.Load(rows[7] + o + 16);
                a5_0 = Vector512.MultiplyAddEstimate(v0, w2, a5_0);
                a5_1 = Vector512.MultiplyAddEstimate(v1, w2, a5_1);
                a6_0 = Vector512.MultiplyAddEstimate(v0, w1, a6_0);
                a6_1 = Vector512.MultiplyAddEstimate(v1, w1, a6_1);
                a7_0 = Vector512.MultiplyAddEstimate(v0, w0, a7_0);
                a7_1 = Vector512.MultiplyAddEstimate(v1, w0, a7_1);
                v0 = Vector512.Load(rows[8] + o);
                v1 = Vector512.Load(rows[8] + o + 16);
                a6_0 = Vector512.MultiplyAddEstimate(v0, w2, a6_0);
                a6_1 = Vector512.MultiplyAddEstimate(v1, w2, a6_1);
                a7_0 = Vector512.MultiplyAddEstimate(v0, w1, a7_0);
                a7_1 = Vector512.MultiplyAddEstimate(v1, w1, a7_1);
                v0 = Vector512.Load(rows[9] + o);
                v1 = Vector512.Load(rows[9] + o + 16);
                a7_0 = Vector512.MultiplyAddEstimate(v0, w2, a7_0);
                a7_1 = Vector512.MultiplyAddEstimate(v1, w2, a7_1);
            }

            a0_0.Store(d);
            a0_1.Store(d + 16);
            a1_0.Store(d + dstStride);
            a1_1.Store(d + dstStride + 16);
            a2_0.Store(d + (2 * dstStride));
            a2_1.Store(d + (2 * dstStride) + 16);
            a3_0.Store(d + (3 * dstStride));
            a3_1.Store(d + (3 * dstStride) + 16);
            a4_0.Store(d + (4 * dstStride));
            a4_1.Store(d + (4 * dstStride) + 16);
            a5_0.Store(d + (5 * dstStride));
            a5_1.Store(d + (5 * dstStride) + 16);
            a6_0.Store(d + (6 * dstStride));
            a6_1.Store(d + (6 * dstStride) + 16);
            a7_0.Store(d + (7 * dstStride));
            a7_1.Store(d + (7 * dstStride) + 16);
        }
    }
}
