using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Interpretability;

/// <summary>
/// Direct convolution of one image plane with one kernel plane (the path behind
/// <see cref="Convolve2D(System.Numerics.Tensors.ReadOnlyTensorSpan{float}, System.Numerics.Tensors.ReadOnlyTensorSpan{float}, in System.Numerics.Tensors.TensorSpan{float}, ConvolutionOptions?, float)"/>
/// and depthwise layers).
/// </summary>
/// <remarks>
/// <para>
/// Output row by output row. Each row reads <c>KernelHeight</c> input rows through a table of row
/// pointers: a source row itself when it needs no padding or stride split (<c>StrideX == 1</c>, no
/// left or right pad, unit column stride: "direct" rows), otherwise a zero-padded, stride-split copy
/// held in a small ring of <see cref="ConvGeometry.RowSpan"/> rows (each input row copied once), and
/// a shared zero row for rows in the top or bottom padding. The inner loops therefore never branch
/// on borders.
/// </para>
/// <para>
/// Along a row, blocks of 8 vectors keep 8 independent accumulators (FMA latency 4 cycles, two FMA
/// pipes: 8 chains keep them busy), then one block of 4, then single vectors; when the width is not a
/// multiple of the vector the last vector overlaps the previous one instead of running a scalar
/// tail, so a 28-pixel row is two 16-lane vectors at columns 0 and 12. Kernel widths 3, 5 and 7 have
/// their column loop unrolled (<see cref="KernelWidth3"/>...); other widths loop.
/// </para>
/// <para>Scalar equivalent of one row: <c>dst[x] = bias + sum_ky sum_kx w[ky, kx] * row[ky][x + colOffset[kx]]</c>.</para>
/// </remarks>
public static partial class Convolution
{
    /// <summary>Compile-time kernel width: lets the JIT unroll the kernel's column loop.</summary>
    internal interface IKernelWidth
    {
        /// <summary>Kernel columns, or 0 for "any" (looped).</summary>
        static abstract int Value { get; }
    }

    internal readonly struct KernelWidth3 : IKernelWidth
    {
        public static int Value => 3;
    }

    internal readonly struct KernelWidth5 : IKernelWidth
    {
        public static int Value => 5;
    }

    internal readonly struct KernelWidth7 : IKernelWidth
    {
        public static int Value => 7;
    }

    internal readonly struct KernelWidthAny : IKernelWidth
    {
        public static int Value => 0;
    }

    /// <summary>One plane of a direct convolution: where to read, where to write.</summary>
    internal unsafe struct PlaneArgs
    {
        /// <summary>Input element (0, 0) of this plane.</summary>
        public float* Source;

        /// <summary>Elements between two input rows.</summary>
        public nint SourceRowStride;

        /// <summary>Elements between two input columns (1 when dense).</summary>
        public nint SourceColumnStride;

        /// <summary>Dense <c>KernelHeight x KernelWidth</c> weights.</summary>
        public float* Kernel;

        /// <summary>Output element (0, 0); output columns are contiguous.</summary>
        public float* Destination;

        /// <summary>Elements between two output rows.</summary>
        public nint DestinationRowStride;

        /// <summary>Added to every output (ignored when <see cref="Accumulate"/>).</summary>
        public float Bias;

        /// <summary>Add to the destination's values instead of overwriting them (channels after the first).</summary>
        public bool Accumulate;

        /// <summary>Never use <see cref="ConvolveRows4"/> (benchmarks compare it with the one-row kernel).</summary>
        public bool OneRowAtATime;

        /// <summary>Never use the whole-row 3x3 blocks (<see cref="Quad3x3Row512"/>): compute the row ends as single masked vectors (benchmarks and tests compare the two).</summary>
        public bool EdgeVectors;

        /// <summary>
        /// Run the four-row kernel's columns right to left: set by the plane loop (<see cref="RunsBackwards"/>).
        /// </summary>
        public bool Backwards;

        /// <summary>Overrides the choice of <see cref="Backwards"/>: 0 decides by address, 1 forces left to right, -1 right to left (tests run both).</summary>
        public int ColumnOrder;

        /// <summary>
        /// Input planes (<see cref="ChannelStride"/> floats apart, kernels <c>Kernel + c * 9</c>) that the
        /// 3x3 whole-row quads inside the image sum in one pass (<see cref="Quad3x3RowChannels512"/>),
        /// when more than one; the rows at the top and bottom edges still take this plane alone. Sets
        /// <see cref="InteriorDone"/> when that pass ran, so that the other planes' calls, which
        /// accumulate, skip those quads.
        /// </summary>
        public nint Channels;

        /// <summary>Floats between two input planes (<see cref="Channels"/>).</summary>
        public nint ChannelStride;

        /// <summary>Set when the quads inside the image summed all <see cref="Channels"/> planes (null when no caller sums them).</summary>
        public bool* InteriorDone;
    }

    /// <summary>
    /// Whether the plane's columns run right to left: only when the destination lies less than
    /// <see cref="BackwardsWindow"/> bytes after the source modulo 4 KB, where left to right the loads of
    /// each block fall just past the previous block's stores (4K aliasing), and only for planes of at
    /// most <see cref="BackwardsPlaneLimit"/> floats.
    /// </summary>
    /// <remarks>
    /// Interleaved stopwatch runs of both orders, 1024x1024 (the destination 40 to 3,056 bytes past the
    /// source): right to left won below about 370 bytes (3x3 with the output 40 B past: 235 against
    /// 263 us), tied to about 550 for 5x5, and lost everywhere else by 3 to 10 % (3x3 at 1,008 B: 199
    /// against 182 us). On planes that do not stay in the cache right to left loses by far at every
    /// placement (2048x2048 3x3 with the output 40 B past: 1.79 against 1.37 ms; 5x5 5.17 against 4.20;
    /// 7x7 8.18 against 6.44), at 1448x1448 (8.4 MB) the two tie.
    /// </remarks>
    internal static unsafe bool RunsBackwards(float* source, float* destination, long sourceFloats) =>
        (((nint)destination - (nint)source) & 4095) < BackwardsWindow && sourceFloats <= BackwardsPlaneLimit;

    /// <summary>Bytes after the source (modulo 4 KB) within which a destination makes the columns run right to left (<see cref="RunsBackwards"/>).</summary>
    internal const int BackwardsWindow = 384;

    /// <summary>Floats of input plane (6 MB) above which the columns always run left to right (<see cref="RunsBackwards"/>).</summary>
    internal const long BackwardsPlaneLimit = 3 << 19;

    /// <summary>Floats of scratch <see cref="ConvolvePlane"/> needs for this geometry at any width (ring or strips, zero row, tables).</summary>
    internal static long PlaneScratchLength(in ConvGeometry g)
    {
        // Enough for the ring and for the strips at any width (strips are at most a vector plus a pad plus the reach each).
        long ringRows = RingRows(g);
        long reach = (g.KernelWidth - 1L) * g.DilationX;
        long rows = ringRows * Math.Max(g.SplitRowLength, Math.Max(16, g.PadLeft) + Math.Max(16, g.PadRight) + (2 * reach));
        long masked = (2 * ZeroLength(g)) + 16 + (2L * g.KernelWidth * 16) + (2L * (g.KernelHeight + 39)) + (4L * g.OutputWidth) + (4 * 16) + 16 + OctRingLength(g);
        return rows + ZeroLength(g) + ringRows + (2L * g.KernelWidth) + (2L * 3 * 2 * (g.KernelHeight + 3)) + masked + 16;
    }

    /// <summary>
    /// Rows of the ring: at least the input rows of four consecutive output rows
    /// (<see cref="ConvolveRows4"/>), rounded up to a power of two so a row's slot is <c>iy &amp; (RingRows - 1)</c>.
    /// </summary>
    private static int RingRows(in ConvGeometry g) => (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)g.RowSpan + 3);

    /// <summary>Floats of the shared zero row: as long as any row a kernel reads.</summary>
    private static long ZeroLength(in ConvGeometry g) => Math.Max(g.SplitRowLength, g.PaddedWidth) + 16;

    /// <summary>Whether four output rows at once (<see cref="ConvolveRows4"/>) applies: unit vertical stride and dilation, kernel height 3, 5 or 7.</summary>
    private static bool FourRows(in ConvGeometry g) => g.StrideY == 1 && g.DilationY == 1 && g.KernelHeight is 3 or 5 or 7;

    /// <summary>
    /// How a plane reads its rows. <b>Direct</b> (unit horizontal stride, unit column stride, output
    /// wide enough): the interior output columns <c>[Left, OutputWidth - Right)</c> read the source
    /// rows in place; only the <c>Left</c> and <c>Right</c> border columns (at least one vector each,
    /// present only with left or right padding) read small zero-padded copies of the row ends, the
    /// "strips". Otherwise <b>ring</b>: every row is copied zero-padded and stride-split.
    /// </summary>
    private readonly struct PlaneStrips
    {
        public PlaneStrips(in ConvGeometry g, int lanes, nint columnStride)
        {
            Reach = (g.KernelWidth - 1) * g.DilationX;

            // Output column x reads padded columns x .. x + Reach, i.e. input columns x - PadLeft .. x + Reach - PadLeft.
            long lastInside = g.InputWidth - 1L - Reach + g.PadLeft;
            long left = g.PadLeft == 0 ? 0 : Math.Max(lanes, g.PadLeft);
            long right = g.OutputWidth - 1L <= lastInside ? 0 : Math.Max(lanes, g.OutputWidth - 1L - lastInside);
            Direct = g.StrideX == 1 && columnStride == 1 && g.OutputWidth - left - right >= lanes;
            Left = Direct ? (int)left : 0;
            Right = Direct ? (int)right : 0;
        }

        public bool Direct { get; }

        /// <summary>Padded columns from the first to the last a kernel row reads, minus one.</summary>
        public int Reach { get; }

        /// <summary>Output columns computed from the left strip.</summary>
        public int Left { get; }

        /// <summary>Output columns computed from the right strip.</summary>
        public int Right { get; }

        public long LeftLength => Left == 0 ? 0 : (long)Left + Reach;

        public long RightLength => Right == 0 ? 0 : (long)Right + Reach;
    }

    /// <summary>Convolves one plane at the SIMD width not above <paramref name="maxWidth"/> that suits the output row (<see cref="SimdWidths.ForDirectRow"/>).</summary>
    internal static unsafe void ConvolvePlane(SimdWidth maxWidth, in ConvGeometry g, in PlaneArgs args, float* scratch)
    {
        bool registerBlocks = g.KernelHeight == g.KernelWidth && g.KernelWidth is 3 or 5 && g.StrideX == 1 && g.StrideY == 1 && g.DilationX == 1 && g.DilationY == 1;
        switch (SimdWidths.ForDirectRow(maxWidth, g.OutputWidth, g.KernelWidth, registerBlocks, SimdWidths.FullRate512))
        {
            case SimdWidth.Vector512:
                ConvolvePlane<Vector512Ops, Vector512<float>>(g, args, scratch);
                break;
            case SimdWidth.Vector256:
                ConvolvePlane<Vector256Ops, Vector256<float>>(g, args, scratch);
                break;
            case SimdWidth.Vector128:
                ConvolvePlane<Vector128Ops, Vector128<float>>(g, args, scratch);
                break;
            default:
                ConvolvePlane<ScalarOps, float>(g, args, scratch);
                break;
        }
    }

    private static unsafe void ConvolvePlane<TOps, TVec>(in ConvGeometry g, in PlaneArgs args, float* scratch)
        where TOps : IVectorOps<TVec>
        where TVec : struct
    {
        switch (g.KernelWidth)
        {
            case 3:
                ConvolvePlane<TOps, TVec, KernelWidth3>(g, args, scratch);
                break;
            case 5:
                ConvolvePlane<TOps, TVec, KernelWidth5>(g, args, scratch);
                break;
            case 7:
                ConvolvePlane<TOps, TVec, KernelWidth7>(g, args, scratch);
                break;
            default:
                ConvolvePlane<TOps, TVec, KernelWidthAny>(g, args, scratch);
                break;
        }
    }

    /// <summary>The plane loop at one width and kernel width; exposed so tests and benchmarks can run each variant.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void ConvolvePlane<TOps, TVec, TKw>(in ConvGeometry g, in PlaneArgs args, float* scratch)
        where TOps : IVectorOps<TVec>
        where TVec : struct
        where TKw : IKernelWidth
    {
        int kh = g.KernelHeight, kw = g.KernelWidth, ringRows = RingRows(g), ow = g.OutputWidth;
        var strips = new PlaneStrips(g, TOps.Count, args.SourceColumnStride);
        var plane = args;
        plane.Backwards = args.ColumnOrder == 0 ? RunsBackwards(args.Source, args.Destination, (long)g.InputHeight * args.SourceRowStride) : args.ColumnOrder < 0;
        ConvolvePlane<TOps, TVec, TKw>(g, plane, scratch, strips, kh, kw, ringRows, ow);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void ConvolvePlane<TOps, TVec, TKw>(in ConvGeometry g, in PlaneArgs args, float* scratch, in PlaneStrips strips, int kh, int kw, int ringRows, int ow)
        where TOps : IVectorOps<TVec>
        where TVec : struct
        where TKw : IKernelWidth
    {
        // Masked edges, or rows of FourRowsChunk + 2 vectors and more, run in ConvolvePlaneMasked.
        // Unpadded 7x7 planes with narrower rows go there too when they can take its eight-row blocks
        // (Zen 5, stopwatch, in-process A/B, fastest of 15, no padding: 224x224 28.1 -> 25.9 us,
        // 290x290 45.9 -> 41.5, 128x128 9.7 -> 9.3, 200x200 even). Unpadded 5x5 did not gain (128x128
        // 5.52 -> 5.69 us, 150x150 7.80 -> 8.43, 224x224 even), so it stays with the row loop.
        if (FourRows(g) && !args.OneRowAtATime && strips.Direct && args.SourceRowStride >= g.InputWidth
            && (strips.Left == 0 || strips.Left == TOps.Count) && (strips.Right == 0 || strips.Right == TOps.Count)
            && (strips.Left > 0 || strips.Right > 0 || g.PadTop > 0 || g.PadBottom > 0 || ow >= FourRowsChunk + (2 * TOps.Count)
                || (g.KernelHeight == 7 && (UsesOct(g, TOps.Count, args.SourceRowStride) || UsesOctRing(g, TOps.Count, args.SourceRowStride)))))
        {
            ConvolvePlaneMasked<TOps, TVec, TKw>(g, args, scratch, strips);
            return;
        }

        nint slotLength = (nint)(strips.Direct ? strips.LeftLength + strips.RightLength : g.SplitRowLength);
        bool copies = !strips.Direct || slotLength > 0;

        // Scratch: ring (ringRows slots) | zero row | tags (int) | column offsets (nint) | 3 row tables of 2 * (kh + 3) pointers.
        float* ring = scratch;
        float* zero = ring + (ringRows * slotLength);
        nint zeroLength = (nint)ZeroLength(g);
        int* tags = (int*)(zero + zeroLength);
        nint* columnOffsets = (nint*)(((nint)(tags + ringRows) + 7) & ~(nint)7);
        float** tables = (float**)(columnOffsets + kw);
        int tableLength = 2 * (kh + 3); // kh + 3 row pointers, then room for ConvolveRows' column-shifted copy

        NativeMemory.Clear(zero, (nuint)zeroLength * sizeof(float));
        if (copies)
        {
            // Ring rows: pad columns are zeroed once and stay zero (a fill writes only data columns). Strips are rewritten whole.
            NativeMemory.Clear(ring, (nuint)(ringRows * slotLength) * sizeof(float));
            new Span<int>(tags, ringRows).Fill(-1);
        }

        for (int kx = 0; kx < kw; kx++)
        {
            columnOffsets[kx] = strips.Direct ? (nint)kx * g.DilationX : (nint)g.SplitColumnOffset(kx);
        }

        // Segments of the output row: [0, Left) from the left strips, [Left, ow - Right) in place, [ow - Right, ow) from the right strips.
        // In ring mode, one segment over the whole row.
        int interior = strips.Direct ? ow - strips.Left - strips.Right : ow;
        float** leftRows = tables, middleRows = tables + tableLength, rightRows = tables + (2 * tableLength);
        nint middleShift = strips.Direct ? strips.Left - g.PadLeft : 0;
        bool four = FourRows(g) && !args.OneRowAtATime;
        int y = 0;
        if (four && strips.Direct && strips.Left == 0 && strips.Right == 0 && g.PadTop == 0 && g.PadBottom == 0 && ow < FourRowsChunk + (2 * TOps.Count) && g.OutputHeight >= 4)
        {
            // No padding at all and a narrow row: every row is a source row, so one call runs all the
            // quads (rows[r] + q * 4 * rowStride) without per-quad setup. Depthwise layers land here.
            for (int r = 0; r < kh + 3; r++)
            {
                middleRows[r] = args.Source + (r * args.SourceRowStride);
            }

            int quads = g.OutputHeight / 4;
            switch (kh)
            {
                case 3:
                    ConvolveRows4<TOps, TVec, KernelHeight3>(middleRows, kw, args.Kernel, columnOffsets, args.Destination, args.DestinationRowStride, ow, args.Bias, args.Accumulate, null, null, quads, 4 * args.SourceRowStride, args.Backwards);
                    break;
                case 5:
                    ConvolveRows4<TOps, TVec, KernelHeight5>(middleRows, kw, args.Kernel, columnOffsets, args.Destination, args.DestinationRowStride, ow, args.Bias, args.Accumulate, null, null, quads, 4 * args.SourceRowStride, args.Backwards);
                    break;
                default:
                    ConvolveRows4<TOps, TVec, KernelHeight7>(middleRows, kw, args.Kernel, columnOffsets, args.Destination, args.DestinationRowStride, ow, args.Bias, args.Accumulate, null, null, quads, 4 * args.SourceRowStride, args.Backwards);
                    break;
            }

            y = quads * 4;
        }

        while (y < g.OutputHeight)
        {
            int count = four && y + 4 <= g.OutputHeight ? 4 : 1;
            long firstRow = ((long)y * g.StrideY) - g.PadTop;
            for (int r = 0; r < (count == 4 ? kh + 3 : kh); r++)
            {
                long iy = firstRow + (count == 4 ? r : (long)r * g.DilationY);
                if ((ulong)iy >= (ulong)g.InputHeight)
                {
                    leftRows[r] = middleRows[r] = rightRows[r] = zero;
                    continue;
                }

                float* source = args.Source + ((nint)iy * args.SourceRowStride);
                int slotIndex = (int)iy & (ringRows - 1);
                float* slot = ring + (slotIndex * slotLength);
                if (copies && tags[slotIndex] != iy)
                {
                    if (strips.Direct)
                    {
                        FillStrip(source, g.InputWidth, -g.PadLeft, slot, strips.LeftLength);
                        FillStrip(source, g.InputWidth, ow - strips.Right - g.PadLeft, slot + strips.LeftLength, strips.RightLength);
                    }
                    else
                    {
                        FillSplitRow(g, source, args.SourceColumnStride, slot);
                    }

                    tags[slotIndex] = (int)iy;
                }

                leftRows[r] = slot;
                middleRows[r] = strips.Direct ? source + middleShift : slot;
                rightRows[r] = slot + strips.LeftLength;
            }

            float* d = args.Destination + (y * args.DestinationRowStride);
            if (strips.Left > 0)
            {
                ConvolveRows<TOps, TVec, TKw>(count, leftRows, kh, kw, args, columnOffsets, d, strips.Left);
            }

            ConvolveRows<TOps, TVec, TKw>(count, middleRows, kh, kw, args, columnOffsets, d + strips.Left, interior);
            if (strips.Right > 0)
            {
                ConvolveRows<TOps, TVec, TKw>(count, rightRows, kh, kw, args, columnOffsets, d + (ow - strips.Right), strips.Right);
            }

            y += count;
        }
    }

    /// <summary>
    /// Columns per call of <see cref="ConvolveRows4"/> at AVX2 and narrower: four output rows and
    /// kh + 3 input rows of this many floats stay in L1 (for 7x7: 14 rows x 1 KB), where whole
    /// 1024-float rows would not (measured in DirectKernelBench). AVX-512 rows run whole (<see cref="ConvolveRows{TOps, TVec, TKw}"/>).
    /// </summary>
    internal const int FourRowsChunk = 256;

    /// <summary>
    /// One or four output rows of one segment (kept out of line: the plane loop calls it for up to
    /// three segments). With <paramref name="leftMasks"/> or <paramref name="rightMasks"/> (four rows
    /// only), the segment's first or last vector of columns is computed with masked loads
    /// (<see cref="ConvolveRows4"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static unsafe void ConvolveRows<TOps, TVec, TKw>(int count, float** rows, int kh, int kw, in PlaneArgs args, nint* columnOffsets, float* dst, int width, float* leftMasks = null, float* rightMasks = null, float* rowMasks = null)
        where TOps : IVectorOps<TVec>
        where TVec : struct
        where TKw : IKernelWidth
    {
        if (count == 1)
        {
            ConvolveRow<TOps, TVec, TKw>(rows, kh, kw, args.Kernel, columnOffsets, dst, width, args.Bias, args.Accumulate);
            return;
        }

        if (rowMasks != null && !args.Accumulate)
        {
            Quad3x3Row512(rows, args.Kernel, dst, args.DestinationRowStride, width, Vector512.Create(args.Bias), args.Backwards, rowMasks);
            return;
        }

        // Column chunks of FourRowsChunk; a last piece narrower than two vectors joins the chunk before it
        // (so that a right edge's vector still leaves at least one vector of interior). Chunks run right
        // to left when the columns inside them do (PlaneArgs.Backwards). The AVX-512 3x3 blocks read
        // each input row once per block, so they gain nothing from chunks and run whole rows, which
        // keeps each row one stream for the hardware prefetchers (1024² 264 -> 240 us, 2000² 1.85 ->
        // 1.48 ms, 300² 21.9 -> 19.4 us, in one interleaved stopwatch run). Since 7x7 reads its rows in
        // two passes of five (ConvolveQuad), 5x5 and 7x7 at AVX-512 gain from whole rows too (stopwatch,
        // fastest of 12, two builds alternately, twice: 1024² 5x5 552-555 against 587-589 us with the
        // output 2 KB off the input and 757-769 against 779-788 at 56 B, 2048² 5x5 4.15-4.25 against
        // 4.38-4.39 ms, 7x7 4.51-4.59 against 4.82-4.98 ms, 1600² 7x7 2.67-2.70 against 2.95-2.96 ms;
        // 300² to 1000² even within 3 %). AVX2 keeps its chunks: measured there, whole rows were as
        // often slower as faster (600² 7x7 634 against 529 us, 1024² 5x5 976 against 1,021).
        // (Dilated 3x3 rows at AVX-512, which the blocks do not take, run whole too, unmeasured.)
        float** shifted = rows + kh + 3;
        int pieces = typeof(TVec) == typeof(Vector512<float>) ? 1
            : Math.Max(1, (width - (2 * TOps.Count) + FourRowsChunk - 1) / FourRowsChunk);
        for (int p = 0; p < pieces; p++)
        {
            int index = args.Backwards ? pieces - 1 - p : p;
            int x = index * FourRowsChunk;
            int piece = index == pieces - 1 ? width - x : FourRowsChunk;
            float** pieceRows = rows;
            if (x > 0)
            {
                for (int r = 0; r < kh + 3; r++)
                {
                    shifted[r] = rows[r] + x;
                }

                pieceRows = shifted;
            }

            float* left = x == 0 ? leftMasks : null, right = index == pieces - 1 ? rightMasks : null;
            switch (kh)
            {
                case 3:
                    ConvolveRows4<TOps, TVec, KernelHeight3>(pieceRows, kw, args.Kernel, columnOffsets, dst + x, args.DestinationRowStride, piece, args.Bias, args.Accumulate, left, right, backwards: args.Backwards);
                    break;
                case 5:
                    ConvolveRows4<TOps, TVec, KernelHeight5>(pieceRows, kw, args.Kernel, columnOffsets, dst + x, args.DestinationRowStride, piece, args.Bias, args.Accumulate, left, right, backwards: args.Backwards);
                    break;
                default:
                    ConvolveRows4<TOps, TVec, KernelHeight7>(pieceRows, kw, args.Kernel, columnOffsets, dst + x, args.DestinationRowStride, piece, args.Bias, args.Accumulate, left, right, backwards: args.Backwards);
                    break;
            }
        }
    }

    /// <summary>
    /// The plane loop with masked edges: rows are read in place; zero padding comes from a shared zero
    /// row (top, bottom) and from lane masks (left, right: <see cref="ConvolveRows4"/>). The edge loads
    /// reach up to the padding's width before a row's start and after its end, which for every row but
    /// the first and the last is memory of the same tensor (the neighbouring row, or the gap of a
    /// strided view); the first and last rows are read from zero-padded copies. The last rows when the
    /// height is not a multiple of four are computed as a full quad into a small buffer (its extra rows
    /// read the zero row) and added to the destination. 3x3 kernels on AVX-512 overwrite rows of 96 to
    /// 511 outputs with whole-row blocks instead, whose end blocks mask their loads
    /// (<see cref="Quad3x3Row512"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void ConvolvePlaneMasked<TOps, TVec, TKw>(in ConvGeometry g, in PlaneArgs args, float* scratch, in PlaneStrips strips)
        where TOps : IVectorOps<TVec>
        where TVec : struct
        where TKw : IKernelWidth
    {
        int kh = g.KernelHeight, kw = g.KernelWidth, ow = g.OutputWidth, v = TOps.Count;

        // Scratch: zero row | first-row copy | last-row copy (each ZeroLength) | masks (2 * kw vectors) |
        // column offsets (nint) | row table (kh + 39: forty-row bands) | 4 leftover rows | whole-row masks (4 vectors, 64-byte aligned) |
        // ring (OctRingLength, when UsesOctRing).
        nint zeroLength = (nint)ZeroLength(g);
        float* zero = scratch;
        float* firstCopy = zero + zeroLength;
        float* lastCopy = firstCopy + zeroLength;
        float* leftMasks = (float*)(((nint)(lastCopy + zeroLength) + 63) & ~(nint)63);
        float* rightMasks = leftMasks + (kw * v);
        nint* columnOffsets = (nint*)(rightMasks + (kw * v));
        float** rows = (float**)(columnOffsets + kw);
        float* leftover = (float*)(rows + kh + 39);
        float* rowMaskArea = (float*)(((nint)(leftover + (4 * ow)) + 63) & ~(nint)63), rowMasks = rowMaskArea;
        if (typeof(TVec) != typeof(Vector512<float>) || kh != 3 || args.EdgeVectors || !Avx512F.IsSupported || !FillQuad3x3RowMasks(g, rowMasks))
        {
            rowMasks = null;
        }

        bool oct = UsesOct(g, v, args.SourceRowStride);
        float* ring = null;
        bool backwards = args.Backwards;
        if (!oct && UsesOctRing(g, v, args.SourceRowStride))
        {
            // Rows 4 KB apart: the eight-row blocks read copies of them, OctRingStride apart. Their
            // loads no longer follow the stores to the source's addresses, so the columns run left to
            // right (RunsBackwards; stopwatch, median of 25 interleaved rounds, against right to left
            // with the destination 0 bytes past the source modulo 4 KB: 1024x1024 0.971 and 0.974,
            // 128x1024 0.985).
            oct = true;
            ring = rowMaskArea + (4 * 16) + OctRingLead;
            backwards = false;
        }

        if (ring == null)
        {
            // The first and last rows' edge loads would reach outside the tensor, so they read padded
            // copies (the ring copies every row anyway).
            NativeMemory.Clear(zero, (nuint)(3 * zeroLength) * sizeof(float));
            long rowBytes = (long)g.InputWidth * sizeof(float);
            Buffer.MemoryCopy(args.Source, firstCopy + g.PadLeft, rowBytes, rowBytes);
            Buffer.MemoryCopy(args.Source + ((nint)(g.InputHeight - 1) * args.SourceRowStride), lastCopy + g.PadLeft, rowBytes, rowBytes);
        }
        else
        {
            NativeMemory.Clear(zero, (nuint)zeroLength * sizeof(float));
        }

        float on = BitConverter.Int32BitsToSingle(-1);
        for (int kx = 0; kx < kw; kx++)
        {
            columnOffsets[kx] = (nint)kx * g.DilationX;
            for (int j = 0; j < v; j++)
            {
                // Output column x, tap kx reads input column x + kx * DilationX - PadLeft.
                long left = j + ((long)kx * g.DilationX) - g.PadLeft;
                long right = ow - v + j + ((long)kx * g.DilationX) - g.PadLeft;
                leftMasks[(kx * v) + j] = (ulong)left < (ulong)g.InputWidth ? on : 0f;
                rightMasks[(kx * v) + j] = (ulong)right < (ulong)g.InputWidth ? on : 0f;
            }
        }

        float* useLeft = strips.Left > 0 ? leftMasks : null, useRight = strips.Right > 0 ? rightMasks : null;
        var rowSource = new MaskedRows(args.Source, g.PadLeft, args.SourceRowStride, g.InputWidth, g.InputHeight, zero, firstCopy, lastCopy, ring, OctRingStride(g.InputWidth));

        // An earlier plane's call summed this plane into the quads inside the image (Channels).
        bool skipInterior = args.Accumulate && args.InteriorDone != null && *args.InteriorDone;
        int y = 0;
        for (; y + 4 <= g.OutputHeight; y += 4)
        {
            long top = y - (long)g.PadTop;
            if (oct && y + 8 <= g.OutputHeight)
            {
                // Eight output rows from kh + 7 input rows (full-rate AVX-512), or more where they fit.
                int count = OctBandRows(kh, g.OutputHeight - y);
                rowSource.Fill(top, kh + count - 1, rows);
                float* d = args.Destination + (y * args.DestinationRowStride);
                if (kh == 7)
                {
                    ConvolveOct<KernelHeight7>(rows, args.Kernel, columnOffsets, d, args.DestinationRowStride, ow, args.Bias, args.Accumulate, useLeft, useRight, backwards, count);
                }
                else
                {
                    ConvolveOct<KernelHeight5>(rows, args.Kernel, columnOffsets, d, args.DestinationRowStride, ow, args.Bias, args.Accumulate, useLeft, useRight, backwards, count);
                }

                y += count - 4;
                continue;
            }

            if (rowMasks != null && (!args.Accumulate || skipInterior) && top >= 1)
            {
                // Quads whose six input rows are all inside the image (rows 1 .. InputHeight - 2, read in
                // place): one call, which keeps the weights and masks in registers from quad to quad.
                long quads = Math.Min((g.OutputHeight - y) / 4, ((g.InputHeight - kh - 4 - top) / 4) + 1);
                if (quads > 1)
                {
                    if (!skipInterior)
                    {
                        for (int r = 0; r < kh + 3; r++)
                        {
                            rows[r] = args.Source - g.PadLeft + ((nint)(top + r) * args.SourceRowStride);
                        }

                        float* d = args.Destination + (y * args.DestinationRowStride);
                        if (args.Channels > 1)
                        {
                            Quad3x3RowChannels512(rows, args.ChannelStride, args.Channels, args.Kernel, d, args.DestinationRowStride, ow, Vector512.Create(args.Bias), args.Backwards, rowMasks, (nint)quads, 4 * args.SourceRowStride);
                            *args.InteriorDone = true;
                        }
                        else
                        {
                            Quad3x3Row512(rows, args.Kernel, d, args.DestinationRowStride, ow, Vector512.Create(args.Bias), args.Backwards, rowMasks, (nint)quads, 4 * args.SourceRowStride);
                        }
                    }

                    y += 4 * (int)(quads - 1);
                    continue;
                }
            }

            rowSource.Fill(top, kh + 3, rows);
            ConvolveRows<TOps, TVec, TKw>(4, rows, kh, kw, args, columnOffsets, args.Destination + (y * args.DestinationRowStride), ow, useLeft, useRight, rowMasks);
        }

        int rest = g.OutputHeight - y;
        if (rest > 0)
        {
            rowSource.Fill(y - (long)g.PadTop, kh + 3, rows);
            var partial = args;
            partial.Bias = 0;
            partial.Accumulate = false;
            partial.DestinationRowStride = ow;
            ConvolveRows<TOps, TVec, TKw>(4, rows, kh, kw, partial, columnOffsets, leftover, ow, useLeft, useRight, rowMasks);
            for (int i = 0; i < rest; i++)
            {
                float* d = args.Destination + ((y + i) * args.DestinationRowStride);
                float* from = leftover + (i * ow);
                for (int x = 0; x < ow; x++)
                {
                    d[x] = (args.Accumulate ? d[x] : args.Bias) + from[x];
                }
            }
        }
    }

    /// <summary>
    /// Where <see cref="ConvolvePlaneMasked"/> reads input row <c>iy</c> (pointers at padded column 0):
    /// in place, or, with a ring (<see cref="UsesOctRing"/>), from a copy of the row in slot
    /// <c>iy % OctRingRows</c>, made the first time a fill asks for it. Fills must ask for rows in
    /// ascending order of their last row, as the plane loop does.
    /// </summary>
    private unsafe struct MaskedRows(float* source, int padLeft, nint rowStride, int width, int height, float* zero, float* firstCopy, float* lastCopy, float* ring, nint ringStride)
    {
        private long copied = -1;

        /// <summary>Row pointers for <paramref name="count"/> consecutive input rows from <paramref name="firstRow"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Fill(long firstRow, int count, float** rows)
        {
            if (ring != null)
            {
                FillFromRing(firstRow, count, rows);
                return;
            }

            float* paddedSource = source - padLeft;
            for (int r = 0; r < count; r++)
            {
                long iy = firstRow + r;
                rows[r] = (ulong)iy >= (ulong)height ? zero
                    : iy == 0 ? firstCopy
                    : iy == height - 1 ? lastCopy
                    : paddedSource + ((nint)iy * rowStride);
            }
        }

        // Fully optimised from the first call: at tier 0 the copy of a 1024x1024 plane costs more than the convolution saves.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void FillFromRing(long firstRow, int count, float** rows)
        {
            long last = Math.Min(firstRow + count, height) - 1;
            for (long iy = Math.Max(copied + 1, firstRow); iy <= last; iy++)
            {
                CopyRow512(source + ((nint)iy * rowStride), ring + ((nint)(iy & (OctRingRows - 1)) * ringStride), width);
            }

            copied = Math.Max(copied, last);
            for (int r = 0; r < count; r++)
            {
                long iy = firstRow + r;
                rows[r] = (ulong)iy >= (ulong)height ? zero : ring + ((nint)(iy & (OctRingRows - 1)) * ringStride) - padLeft;
            }
        }
    }

    /// <summary>
    /// Copies the input columns among <c>[first, first + length)</c> of a row into a strip (strip
    /// index <c>j</c> holds column <c>first + j</c>). Positions outside the input are padding: they
    /// were zeroed once with the ring and are never written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void FillStrip(float* source, int width, long first, float* strip, long length)
    {
        long begin = Math.Max(0, -first), end = Math.Min(length, width - first);
        float* from = source + first + begin, to = strip + begin;
        nint count = (nint)(end - begin);
        if (Vector256.IsHardwareAccelerated && count >= Vector256<float>.Count)
        {
            // Vector copy with an overlapping last vector: a strip is about one vector plus the kernel's reach.
            for (nint i = 0; i < count - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256.Load(from + i).Store(to + i);
            }

            Vector256.Load(from + count - Vector256<float>.Count).Store(to + count - Vector256<float>.Count);
            return;
        }

        for (nint i = 0; i < count; i++)
        {
            to[i] = from[i];
        }
    }

    /// <summary>Copies one input row into a zero-padded, stride-split row (only the data columns are written).</summary>
    internal static unsafe void FillSplitRow(in ConvGeometry g, float* source, nint columnStride, float* row) =>
        FillSplitRow(g, source, columnStride, row, (nint)g.PhaseWidth);

    /// <summary>
    /// Copies one input row into a zero-padded, stride-split row whose phases are
    /// <paramref name="phaseStride"/> floats apart: padded column <c>xp</c> goes to
    /// <c>row[(xp % StrideX) * phaseStride + xp / StrideX]</c>. Only the data columns are written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void FillSplitRow(in ConvGeometry g, float* source, nint columnStride, float* row, nint phaseStride)
    {
        int width = g.InputWidth, stride = g.StrideX, padLeft = g.PadLeft;
        if (stride == 1)
        {
            float* to = row + padLeft;
            if (columnStride == 1)
            {
                Buffer.MemoryCopy(source, to, (long)width * sizeof(float), (long)width * sizeof(float));
            }
            else
            {
                for (int x = 0; x < width; x++)
                {
                    to[x] = source[x * columnStride];
                }
            }

            return;
        }

        // Phase p holds padded columns xp = p, p + stride, ...; input column x = xp - padLeft.
        for (int p = 0; p < stride; p++)
        {
            int first = (int)((((p - (long)padLeft) % stride) + stride) % stride);
            float* to = row + (p * phaseStride) + ((first + padLeft) / stride);
            float* from = source + (first * columnStride);
            nint step = stride * columnStride;
            for (int x = first; x < width; x += stride)
            {
                *to++ = *from;
                from += step;
            }
        }
    }

    /// <summary>One output row: <c>dst[x] = bias + sum_ky sum_kx w[ky * kw + kx] * rows[ky][x + columnOffsets[kx]]</c> for x in [0, width).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void ConvolveRow<TOps, TVec, TKw>(float** rows, int kh, int kw, float* w, nint* columnOffsets, float* dst, int width, float bias, bool accumulate)
        where TOps : IVectorOps<TVec>
        where TVec : struct
        where TKw : IKernelWidth
    {
        nint v = TOps.Count;
        nint n = width;
        Debug.Assert(n >= v, "Rows narrower than a vector run at a narrower width (SimdWidths.ForRow).");
        TVec biasVector = TOps.Broadcast(bias);

        // A width that is not a multiple of the vector ends with a vector overlapping the previous
        // one. It is computed first and stored last: in accumulate mode it must read dst before the
        // other blocks store over the lanes they share (both then store the same values there).
        bool ragged = n % v != 0;
        TVec last = default;
        if (ragged)
        {
            last = Vector1<TOps, TVec>(rows, kh, kw, w, columnOffsets, n - v, accumulate ? TOps.Load(dst + n - v) : biasVector);
        }

        nint x = 0;
        for (; x <= n - (8 * v); x += 8 * v)
        {
            Block8<TOps, TVec, TKw>(rows, kh, kw, w, columnOffsets, dst, x, biasVector, accumulate);
        }

        if (x <= n - (4 * v))
        {
            Block4<TOps, TVec>(rows, kh, kw, w, columnOffsets, dst, x, biasVector, accumulate);
            x += 4 * v;
        }

        for (; x <= n - v; x += v)
        {
            TOps.Store(Vector1<TOps, TVec>(rows, kh, kw, w, columnOffsets, x, accumulate ? TOps.Load(dst + x) : biasVector), dst + x);
        }

        if (ragged)
        {
            TOps.Store(last, dst + n - v);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Block8<TOps, TVec, TKw>(float** rows, int kh, int kw, float* w, nint* columnOffsets, float* dst, nint x, TVec bias, bool accumulate)
        where TOps : IVectorOps<TVec>
        where TVec : struct
        where TKw : IKernelWidth
    {
        nint v = TOps.Count;
        float* d = dst + x;
        TVec a0, a1, a2, a3, a4, a5, a6, a7;
        if (accumulate)
        {
            a0 = TOps.Load(d);
            a1 = TOps.Load(d + v);
            a2 = TOps.Load(d + (2 * v));
            a3 = TOps.Load(d + (3 * v));
            a4 = TOps.Load(d + (4 * v));
            a5 = TOps.Load(d + (5 * v));
            a6 = TOps.Load(d + (6 * v));
            a7 = TOps.Load(d + (7 * v));
        }
        else
        {
            a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = bias;
        }

        float* wk = w;
        for (int ky = 0; ky < kh; ky++, wk += kw)
        {
            float* r = rows[ky] + x;
            if (TKw.Value == 3)
            {
                Tap8<TOps, TVec>(r + columnOffsets[0], TOps.Broadcast(wk[0]), ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
                Tap8<TOps, TVec>(r + columnOffsets[1], TOps.Broadcast(wk[1]), ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
                Tap8<TOps, TVec>(r + columnOffsets[2], TOps.Broadcast(wk[2]), ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
            }
            else if (TKw.Value == 5)
            {
                Tap8<TOps, TVec>(r + columnOffsets[0], TOps.Broadcast(wk[0]), ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
                Tap8<TOps, TVec>(r + columnOffsets[1], TOps.Broadcast(wk[1]), ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
                Tap8<TOps, TVec>(r + columnOffsets[2], TOps.Broadcast(wk[2]), ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
                Tap8<TOps, TVec>(r + columnOffsets[3], TOps.Broadcast(wk[3]), ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
                Tap8<TOps, TVec>(r + columnOffsets[4], TOps.Broadcast(wk[4]), ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
            }
            else if (TKw.Value == 7)
            {
                Tap8<TOps, TVec>(r + columnOffsets[0], TOps.Broadcast(wk[0]), ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
                Tap8<TOps, TVec>(r + columnOffsets[1], TOps.Broadcast(wk[1]), ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
                Tap8<TOps, TVec>(r + columnOffsets[2], TOps.Broadcast(wk[2]), ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
                Tap8<TOps, TVec>(r + columnOffsets[3], TOps.Broadcast(wk[3]), ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
                Tap8<TOps, TVec>(r + columnOffsets[4], TOps.Broadcast(wk[4]), ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
                Tap8<TOps, TVec>(r + columnOffsets[5], TOps.Broadcast(wk[5]), ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
                Tap8<TOps, TVec>(r + columnOffsets[6], TOps.Broadcast(wk[6]), ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
            }
            else
            {
                for (int kx = 0; kx < kw; kx++)
                {
                    Tap8<TOps, TVec>(r + columnOffsets[kx], TOps.Broadcast(wk[kx]), ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
                }
            }
        }

        TOps.Store(a0, d);
        TOps.Store(a1, d + v);
        TOps.Store(a2, d + (2 * v));
        TOps.Store(a3, d + (3 * v));
        TOps.Store(a4, d + (4 * v));
        TOps.Store(a5, d + (5 * v));
        TOps.Store(a6, d + (6 * v));
        TOps.Store(a7, d + (7 * v));
    }

    /// <summary>One tap on 8 consecutive vectors: <c>a_i += w * p[i * Count ..]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Tap8<TOps, TVec>(float* p, TVec w, ref TVec a0, ref TVec a1, ref TVec a2, ref TVec a3, ref TVec a4, ref TVec a5, ref TVec a6, ref TVec a7)
        where TOps : IVectorOps<TVec>
        where TVec : struct
    {
        nint v = TOps.Count;
        a0 = TOps.MultiplyAdd(TOps.Load(p), w, a0);
        a1 = TOps.MultiplyAdd(TOps.Load(p + v), w, a1);
        a2 = TOps.MultiplyAdd(TOps.Load(p + (2 * v)), w, a2);
        a3 = TOps.MultiplyAdd(TOps.Load(p + (3 * v)), w, a3);
        a4 = TOps.MultiplyAdd(TOps.Load(p + (4 * v)), w, a4);
        a5 = TOps.MultiplyAdd(TOps.Load(p + (5 * v)), w, a5);
        a6 = TOps.MultiplyAdd(TOps.Load(p + (6 * v)), w, a6);
        a7 = TOps.MultiplyAdd(TOps.Load(p + (7 * v)), w, a7);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Block4<TOps, TVec>(float** rows, int kh, int kw, float* w, nint* columnOffsets, float* dst, nint x, TVec bias, bool accumulate)
        where TOps : IVectorOps<TVec>
        where TVec : struct
    {
        nint v = TOps.Count;
        float* d = dst + x;
        TVec a0, a1, a2, a3;
        if (accumulate)
        {
            a0 = TOps.Load(d);
            a1 = TOps.Load(d + v);
            a2 = TOps.Load(d + (2 * v));
            a3 = TOps.Load(d + (3 * v));
        }
        else
        {
            a0 = a1 = a2 = a3 = bias;
        }

        float* wk = w;
        for (int ky = 0; ky < kh; ky++, wk += kw)
        {
            float* r = rows[ky] + x;
            for (int kx = 0; kx < kw; kx++)
            {
                TVec wv = TOps.Broadcast(wk[kx]);
                float* p = r + columnOffsets[kx];
                a0 = TOps.MultiplyAdd(TOps.Load(p), wv, a0);
                a1 = TOps.MultiplyAdd(TOps.Load(p + v), wv, a1);
                a2 = TOps.MultiplyAdd(TOps.Load(p + (2 * v)), wv, a2);
                a3 = TOps.MultiplyAdd(TOps.Load(p + (3 * v)), wv, a3);
            }
        }

        TOps.Store(a0, d);
        TOps.Store(a1, d + v);
        TOps.Store(a2, d + (2 * v));
        TOps.Store(a3, d + (3 * v));
    }

    /// <summary>One vector of outputs at column <paramref name="x"/>, starting from <paramref name="acc"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe TVec Vector1<TOps, TVec>(float** rows, int kh, int kw, float* w, nint* columnOffsets, nint x, TVec acc)
        where TOps : IVectorOps<TVec>
        where TVec : struct
    {
        // Two chains halve the dependency latency of long kernels.
        TVec other = default;
        float* wk = w;
        for (int ky = 0; ky < kh; ky++, wk += kw)
        {
            float* r = rows[ky] + x;
            int kx = 0;
            for (; kx + 1 < kw; kx += 2)
            {
                acc = TOps.MultiplyAdd(TOps.Load(r + columnOffsets[kx]), TOps.Broadcast(wk[kx]), acc);
                other = TOps.MultiplyAdd(TOps.Load(r + columnOffsets[kx + 1]), TOps.Broadcast(wk[kx + 1]), other);
            }

            if (kx < kw)
            {
                acc = TOps.MultiplyAdd(TOps.Load(r + columnOffsets[kx]), TOps.Broadcast(wk[kx]), acc);
            }
        }

        return TOps.Add(acc, other);
    }
}
