using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Interpretability;

/// <summary>
/// The 3x3 four-row blocks on AVX-512, with each input row loaded once per block.
/// </summary>
/// <remarks>
/// <para>
/// The generic block (<see cref="ConvolveQuad"/>) loads, for each of the kw kernel columns, every
/// input row at that column's offset: for 3x3, 54 loads per 108 FMAs, two thirds of them unaligned
/// 64-byte loads that cross a cache line. That keeps the load ports as busy as the FMA pipes and
/// held the 3x3 kernel at about 58 % of the FMA ceiling. Here a block of four output rows by three
/// vectors (48 columns) loads each of its six input rows once, as three vectors <c>x0, x1, x2</c>;
/// the taps one and two columns to the right of <c>x0</c> and <c>x1</c> are built from the vector and
/// its right neighbour in registers with <c>valignd</c> (<see cref="Avx512F.AlignRight32(Vector512{uint}, Vector512{uint}, byte)"/>),
/// and only the last vector's two shifted taps are loaded, so a block reads exactly the columns the
/// generic one reads (<c>x .. x + 49</c>). That is 30 loads and 24 shuffles per 108 FMAs.
/// </para>
/// <para>
/// Each input row feeds the output rows it belongs to (row <c>r</c> feeds output row <c>r - ky</c>
/// with weight row <c>ky</c>), so the sum for one output runs over kernel rows outside and kernel
/// columns inside, where the generic block runs columns outside: the two differ by rounding only.
/// The nine weights, twelve accumulators and the row's vectors fit in the 32 vector registers
/// (checked in the JIT's disassembly: no spills).
/// </para>
/// <para>
/// SingleKernelBench, against the generic kernel's previous run: 224x224 13.2 to 12.0 us, 1024x1024
/// 360 to 301 us; run on whole rows (ConvolveRows), 11.6 and 259 us (the results page).
/// Interleaved stopwatch runs of the loop orders on 1024x1024: loading the right taps instead of
/// shuffling them gave 292 us where this gave 246; shuffling only the tap one column over, 262.
/// On rows with edge vectors, 32- and 16-column tail blocks and an L2 prefetch of the next quad's
/// rows were measured too and gained nothing at 1024 wide.
/// </para>
/// <para>
/// Overwriting a zero-padded plane, a row of 96 or more outputs is nothing but these blocks
/// (<see cref="Quad3x3Row512"/>): the first block ANDs its loads at column 0 with a lane mask (the
/// left padding); when 1 to 32 columns are left after the 48-column blocks, a block of two vectors
/// at <c>width - 32</c> ends the row (one vector, at <c>width - 16</c>, when 1 to 16 are left),
/// otherwise a last 48-column block at <c>width - 48</c>; either ANDs
/// its three loads that reach the right padding. Runs of quads whose input rows all lie inside the
/// image are one call, so the weights and masks stay in registers from quad to quad. Before, a
/// row's two ends were single masked vectors (four accumulators nine FMAs deep, bound by FMA
/// latency) and the columns left after the blocks single vectors too, about a fifth of the time at
/// 224 wide (perf). Running the end blocks as separate calls of a masked copy of this kernel was
/// measured first and gained nothing: each call paid the kernel's set-up again. Accumulation (the
/// channels after the first) keeps the edge vectors, since the last block may overlap the one
/// before it.
/// </para>
/// <para>
/// Interleaved stopwatch runs (fastest of 12), 224x224, output 40 B past the input: 10.3 us with a
/// last 48-column block overlapping the one before it by 16 columns, 9.4 with the two-vector tail,
/// 8.6 with the quads in one call (300x300: 18.8, 17.6, 16.2; 1024x1024 with the output 2 KB off:
/// 204, 203, 195). Computing only the second vector of the tail when at most 16 columns are left:
/// 256x256 12.6 against 13.4 us (output 8 B past) and 11.8 against 12.3 (2 KB off); 1024 even.
/// </para>
/// <para>
/// The first block, the inner blocks and the last block are three inlined copies of one block
/// (<see cref="Quad3x3Block512{TRow}"/>) with constant mask flags, so the inner blocks carry no
/// masks and no branches; before, one loop body chose the masks per load at run time. Stopwatch,
/// two builds run alternately (fastest of 12), 1024x1024 with the arrays where two new float arrays
/// land (input 200 B past a page, output 256 B past): 194-198 against 197-202 us; output 2 KB off:
/// 173-175 against 177-178; 224x224 even. The method sits near the JIT's inlining budget: one more
/// inlined block or store helper in it and the JIT stops inlining (even Vector512.Store) and spills
/// the weights, 10-20 % slower, so check the disassembly (no stack accesses in the loop) after any change.
/// </para>
/// </remarks>
public static partial class Convolution
{
    /// <summary>
    /// Whether <see cref="ConvolveQuad"/> runs its three-vector blocks through
    /// <see cref="Quad3x3Blocks512"/>: AVX-512, a 3x3 kernel, and kernel columns one input column apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe bool UsesQuad3x3Blocks512<TVec, TKh>(int kw, nint* columnOffsets)
        where TVec : struct
        where TKh : IKernelHeight =>
        typeof(TVec) == typeof(Vector512<float>) && TKh.Value == 3 && kw == 3 && Avx512F.IsSupported && AdjacentColumns(columnOffsets, 3);

    /// <summary><c>acc + t0 * k0 + t1 * k1 + t2 * k2</c>, one fused multiply-add after another: one output row's three taps of one kernel row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Taps(Vector512<float> acc, Vector512<float> t0, Vector512<float> t1, Vector512<float> t2, Vector512<float> k0, Vector512<float> k1, Vector512<float> k2) =>
        Vector512.MultiplyAddEstimate(t2, k2, Vector512.MultiplyAddEstimate(t1, k1, Vector512.MultiplyAddEstimate(t0, k0, acc)));

    /// <summary>Lanes <paramref name="lanes"/> .. 15 of <paramref name="x"/> followed by the first lanes of <paramref name="next"/>: the vector <paramref name="lanes"/> columns to the right (<c>valignd</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Shifted(Vector512<float> x, Vector512<float> next, [ConstantExpected(Min = 1, Max = 15)] byte lanes) =>
        Avx512F.AlignRight32(next.AsUInt32(), x.AsUInt32(), lanes).AsSingle();

    /// <summary>
    /// One input row of the two-vector tail block at <paramref name="p"/>: the vector there and its
    /// taps one and two columns over (<paramref name="x0"/>, <paramref name="t1"/>, <paramref name="t2"/>),
    /// and the vector 16 columns over with its two taps (<paramref name="x1"/>, <paramref name="u1"/>,
    /// <paramref name="u2"/>), the last three ANDed with the right padding's masks.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void TailRow(float* p, Vector512<float> mask16, Vector512<float> mask17, Vector512<float> mask18, out Vector512<float> x0, out Vector512<float> t1, out Vector512<float> t2, out Vector512<float> x1, out Vector512<float> u1, out Vector512<float> u2)
    {
        x0 = Vector512.Load(p);
        x1 = Vector512.Load(p + 16) & mask16;
        t1 = Shifted(x0, x1, 1);
        t2 = Shifted(x0, x1, 2);
        u1 = Vector512.Load(p + 17) & mask17;
        u2 = Vector512.Load(p + 18) & mask18;
    }

    /// <summary>
    /// <paramref name="blocks"/> blocks of four output rows (<c>d0 + i * dstStride</c>) by 48 columns,
    /// block <c>b</c> at columns <c>48 * b</c> (right to left when <paramref name="backwards"/>), from
    /// input rows <c>rows[0 .. 5] + origin</c> (the first kernel column's offset) and the row-major 3x3
    /// kernel <paramref name="w"/>; starting from <paramref name="biasVector"/>, or from the
    /// destination's values when <paramref name="accumulate"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Quad3x3Blocks512(float** rows, nint origin, float* w, float* d0, nint dstStride, nint blocks, Vector512<float> biasVector, bool accumulate, bool backwards) =>
        Quad3x3Blocks512<BlocksOnly>(rows, origin, w, d0, dstStride, blocks, biasVector, accumulate, backwards, 0, null, 1, 0);

    /// <summary>
    /// <paramref name="quads"/> times four whole output rows of <paramref name="width"/> (at least 96)
    /// columns, overwritten, as 48-column blocks and at most one two-vector block: the first block at
    /// column 0 ANDs its loads at column 0 with the mask at <paramref name="masks"/> (the left
    /// padding); the inner blocks follow from column 48 (from the first 64-byte aligned output column
    /// at 33 or more when the row has <see cref="AlignedBlocksMinWidth"/> outputs or more); the row
    /// ends in a block of two vectors at <c>width - 32</c> when 1 to 32 columns are left after them
    /// (only its second vector when at most 16 are left, since the blocks cover the first), otherwise
    /// in a 48-column block at <c>width - 48</c> (overlapping the one before it unless the inner blocks
    /// end 48 columns before the row does), and that last block ANDs its loads at columns
    /// <c>width - 16</c>, <c>- 15</c> and <c>- 14</c> with the masks at <c>masks + 16 .. + 48</c> (the
    /// right padding). The inner blocks run as they are, right to left when
    /// <paramref name="backwards"/>; the last block always comes last, after any inner block that read
    /// past the row's end. Each quad's input rows are the previous quad's plus
    /// <paramref name="quadSourceStep"/> floats (for quads after the first), its output rows four
    /// destination rows further down.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Quad3x3Row512(float** rows, float* w, float* d0, nint dstStride, nint width, Vector512<float> biasVector, bool backwards, float* masks, nint quads = 1, nint quadSourceStep = 0) =>
        Quad3x3Blocks512<WholeRow>(rows, 0, w, d0, dstStride, 0, biasVector, false, backwards, width, masks, quads, quadSourceStep);

    /// <summary>
    /// Rows of at least this many outputs start their inner blocks where the quad's first output row
    /// is 64-byte aligned (<see cref="Quad3x3Blocks512{TRow}"/>).
    /// </summary>
    /// <remarks>
    /// Stopwatch, the same build with and without (fastest of 12, twice): 1024x1024 into two new float
    /// arrays (input 88 B past a 4 KB page, output 144 B past) 208-211 against 227 us, 2000x2000 with
    /// the output 144 B past 1.21-1.26 against 1.29 ms, 512x512 and an aligned output unchanged. On
    /// narrower rows the first block's overlap (up to 15 columns) costs more than the aligned stores
    /// save (two builds, 224x224 with the output 144 B past: 8.9 against 8.5 us; 300x300 even), so
    /// they keep their blocks at multiples of 48.
    /// </remarks>
    internal const int AlignedBlocksMinWidth = 512;

    /// <summary>Whether <see cref="Quad3x3Blocks512{TRow}"/> runs a whole padded row, masking its end blocks.</summary>
    internal interface IRowMode
    {
        static abstract bool Whole { get; }
    }

    internal readonly struct BlocksOnly : IRowMode
    {
        public static bool Whole => false;
    }

    internal readonly struct WholeRow : IRowMode
    {
        public static bool Whole => true;
    }

    /// <summary><paramref name="x"/>, ANDed with <paramref name="mask"/> when <paramref name="apply"/> in whole-row mode.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Masked<TRow>(Vector512<float> x, bool apply, Vector512<float> mask)
        where TRow : IRowMode =>
        TRow.Whole && apply ? x & mask : x;

    /// <summary>The loop of <see cref="Quad3x3Blocks512(float**, nint, float*, float*, nint, nint, Vector512{float}, bool, bool)"/> and, in whole-row mode, of <see cref="Quad3x3Row512"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static unsafe void Quad3x3Blocks512<TRow>(float** rows, nint origin, float* w, float* d0, nint dstStride, nint blocks, Vector512<float> biasVector, bool accumulate, bool backwards, nint width, float* masks, nint quads, nint quadSourceStep)
        where TRow : IRowMode
    {
        bool align = TRow.Whole && width >= AlignedBlocksMinWidth;
        Vector512<float> w00 = Vector512.Create(w[0]), w01 = Vector512.Create(w[1]), w02 = Vector512.Create(w[2]);
        Vector512<float> w10 = Vector512.Create(w[3]), w11 = Vector512.Create(w[4]), w12 = Vector512.Create(w[5]);
        Vector512<float> w20 = Vector512.Create(w[6]), w21 = Vector512.Create(w[7]), w22 = Vector512.Create(w[8]);
        Vector512<float> left = default, right32 = default, right33 = default, right34 = default;
        if (TRow.Whole)
        {
            left = Vector512.Load(masks);
            right32 = Vector512.Load(masks + 16);
            right33 = Vector512.Load(masks + 32);
            right34 = Vector512.Load(masks + 48);
        }

        float* q0 = rows[0] + origin, q1 = rows[1] + origin, q2 = rows[2] + origin, q3 = rows[3] + origin, q4 = rows[4] + origin, q5 = rows[5] + origin;
        for (nint quad = 0; quad < quads; quad++)
        {
            if (TRow.Whole)
            {
                // The first block (left padding), the blocks inside the row without masks, then the last
                // block or the tail (right padding), after any inner block that read past the row's end.
                // The inner blocks start at 48, or (wide rows) at the first column from 33 on where the
                // quad's first output row is 64-byte aligned, so that their stores split no cache line
                // and no page; the first block then overlaps them by 48 - start columns.
                nint start = 48;
                if (align)
                {
                    nint shift = (-(nint)d0 >> 2) & 15;
                    start = shift == 0 ? 48 : 32 + shift;
                }

                nint inner = (width - start) / 48, rest = width - start - (48 * inner);
                bool tail = rest is > 0 and <= 32;
                if (rest == 0)
                {
                    // Nothing left: the masked last block at width - 48 takes the last inner block's
                    // place, which would read the right padding unmasked (33 to 47 left: it overlaps it).
                    inner--;
                }

                Quad3x3Block512<TRow>(q0, q1, q2, q3, q4, q5, d0, dstStride, 0, true, false, accumulate, biasVector, w00, w01, w02, w10, w11, w12, w20, w21, w22, left, right32, right33, right34);
                for (nint b = 0; b < inner; b++)
                {
                    Quad3x3Block512<TRow>(q0, q1, q2, q3, q4, q5, d0, dstStride, start + (48 * (backwards ? inner - 1 - b : b)), false, false, accumulate, biasVector, w00, w01, w02, w10, w11, w12, w20, w21, w22, left, right32, right33, right34);
                }

                if (tail)
                {
                    // The last 32 columns as a block of two vectors (only the second when at most 16
                    // columns are left, since the blocks cover the first).
                    Quad3x3Tail512(q0, q1, q2, q3, q4, q5, d0, dstStride, width, rest <= 16, false, biasVector, w00, w01, w02, w10, w11, w12, w20, w21, w22, right32, right33, right34);
                }
                else
                {
                    Quad3x3Block512<TRow>(q0, q1, q2, q3, q4, q5, d0, dstStride, width - 48, false, true, accumulate, biasVector, w00, w01, w02, w10, w11, w12, w20, w21, w22, left, right32, right33, right34);
                }
            }
            else
            {
                for (nint b = 0; b < blocks; b++)
                {
                    Quad3x3Block512<TRow>(q0, q1, q2, q3, q4, q5, d0, dstStride, (backwards ? blocks - 1 - b : b) * 48, false, false, accumulate, biasVector, w00, w01, w02, w10, w11, w12, w20, w21, w22, left, right32, right33, right34);
                }
            }

            q0 += quadSourceStep;
            q1 += quadSourceStep;
            q2 += quadSourceStep;
            q3 += quadSourceStep;
            q4 += quadSourceStep;
            q5 += quadSourceStep;
            d0 += 4 * dstStride;
        }
    }

    /// <summary>
    /// <see cref="Quad3x3Row512"/> summing <paramref name="channels"/> input planes
    /// (<paramref name="channelStride"/> floats apart, the row-major 3x3 kernels <c>w + 9 * c</c>):
    /// each block, at the same columns as there, sums every channel from <paramref name="biasVector"/>
    /// in registers (<see cref="Quad3x3BlockChannels512"/>) before it stores, so blocks that overlap
    /// recompute their shared columns and never add twice; the tail adds each channel to its own
    /// stores. Kept apart from the single-channel kernel, which sits at the JIT's inlining budget.
    /// </summary>
    /// <remarks>
    /// Before, the channels after the first ran as separate passes over the whole plane that read and
    /// wrote the destination and could not use the whole-row blocks (their overlapping end blocks would
    /// add twice), so they ran the edge-vector path. Stopwatch, fastest of 9, two builds alternately,
    /// twice: three channels of 224x224 34.1-34.2 -> 27.5-28.2 us (one channel: 8.5-8.6), of 1000x1000
    /// 670-728 -> 582-616 us, two channels of 120x120 7.8-8.0 -> 6.0-6.3 us. Adding each channel to
    /// the block's own stores instead of holding the sums in registers measured 32.6-33.0 us at 224x224
    /// (the reloads cost 4.5 us of it).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static unsafe void Quad3x3RowChannels512(float** rows, nint channelStride, nint channels, float* w, float* d0, nint dstStride, nint width, Vector512<float> biasVector, bool backwards, float* masks, nint quads, nint quadSourceStep)
    {
        Vector512<float> left = Vector512.Load(masks), right32 = Vector512.Load(masks + 16), right33 = Vector512.Load(masks + 32), right34 = Vector512.Load(masks + 48);
        bool align = width >= AlignedBlocksMinWidth;
        float* q0 = rows[0], q1 = rows[1], q2 = rows[2], q3 = rows[3], q4 = rows[4], q5 = rows[5];
        for (nint quad = 0; quad < quads; quad++)
        {
            nint start = WholeRowLayout(d0, width, align, out nint inner, out nint rest);
            bool tail = rest is > 0 and <= 32;

            Quad3x3BlockChannels512(q0, q1, q2, q3, q4, q5, channelStride, channels, w, d0, dstStride, 0, true, false, biasVector, left, right32, right33, right34);

            for (nint b = 0; b < inner; b++)
            {
                Quad3x3BlockChannels512(q0, q1, q2, q3, q4, q5, channelStride, channels, w, d0, dstStride, start + (48 * (backwards ? inner - 1 - b : b)), false, false, biasVector, left, right32, right33, right34);
            }

            if (tail)
            {
                // The tail adds each channel to its own stores (a small share of the row).
                for (nint c = 0; c < channels; c++)
                {
                    float* k = w + (9 * c);
                    nint o = c * channelStride;
                    Quad3x3Tail512(q0 + o, q1 + o, q2 + o, q3 + o, q4 + o, q5 + o, d0, dstStride, width, rest <= 16, c > 0, biasVector, Vector512.Create(k[0]), Vector512.Create(k[1]), Vector512.Create(k[2]), Vector512.Create(k[3]), Vector512.Create(k[4]), Vector512.Create(k[5]), Vector512.Create(k[6]), Vector512.Create(k[7]), Vector512.Create(k[8]), right32, right33, right34);
                }
            }
            else
            {
                Quad3x3BlockChannels512(q0, q1, q2, q3, q4, q5, channelStride, channels, w, d0, dstStride, width - 48, false, true, biasVector, left, right32, right33, right34);
            }

            q0 += quadSourceStep;
            q1 += quadSourceStep;
            q2 += quadSourceStep;
            q3 += quadSourceStep;
            q4 += quadSourceStep;
            q5 += quadSourceStep;
            d0 += 4 * dstStride;
        }
    }

    /// <summary>
    /// Where a whole row's inner blocks start, how many there are (<paramref name="inner"/>) and the
    /// columns left after them (<paramref name="rest"/>): the tail takes 1 to 32 of them, the masked
    /// last block at <c>width - 48</c> anything else. The layout of <see cref="Quad3x3Blocks512{TRow}"/>'s
    /// whole rows, which writes the same lines inline: called there, the helper changed that kernel's
    /// register allocation (a stack read per inner block; 224x224 8.68-8.73 against 8.64-8.67 us).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe nint WholeRowLayout(float* d0, nint width, bool align, out nint inner, out nint rest)
    {
        // The inner blocks start at 48, or (wide rows) at the first column from 33 on where the
        // quad's first output row is 64-byte aligned, so that their stores split no cache line
        // and no page; the first block then overlaps them by 48 - start columns.
        nint start = 48;
        if (align)
        {
            nint shift = (-(nint)d0 >> 2) & 15;
            start = shift == 0 ? 48 : 32 + shift;
        }

        inner = (width - start) / 48;
        rest = width - start - (48 * inner);
        if (rest == 0)
        {
            // Nothing left: the masked last block at width - 48 takes the last inner block's
            // place, which would read the right padding unmasked (33 to 47 left: it overlaps it).
            inner--;
        }

        return start;
    }

    /// <summary>
    /// One block of four output rows (<paramref name="d0"/> and the three rows below, <paramref name="dstStride"/>
    /// apart) by 48 columns at column <paramref name="x"/>, from input rows <paramref name="q0"/> .. <paramref name="q5"/>:
    /// in whole-row mode the loads at column <paramref name="x"/> AND with <paramref name="left"/> when
    /// <paramref name="first"/>, those at <c>x + 32</c>, <c>+ 33</c>, <c>+ 34</c> with <paramref name="right32"/>,
    /// <paramref name="right33"/>, <paramref name="right34"/> when <paramref name="last"/>. Inlined with constant
    /// <paramref name="first"/> and <paramref name="last"/>, so the blocks inside a row carry no masks and no branches.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Quad3x3Block512<TRow>(float* q0, float* q1, float* q2, float* q3, float* q4, float* q5, float* d0, nint dstStride, nint x, bool first, bool last, bool accumulate, Vector512<float> biasVector,
        Vector512<float> w00, Vector512<float> w01, Vector512<float> w02, Vector512<float> w10, Vector512<float> w11, Vector512<float> w12, Vector512<float> w20, Vector512<float> w21, Vector512<float> w22,
        Vector512<float> left, Vector512<float> right32, Vector512<float> right33, Vector512<float> right34)
        where TRow : IRowMode
    {
        float* d1 = d0 + dstStride, d2 = d0 + (2 * dstStride), d3 = d0 + (3 * dstStride);
        Vector512<float> a00, a01, a02, a10, a11, a12, a20, a21, a22, a30, a31, a32;
        if (accumulate)
        {
            a00 = Vector512.Load(d0 + x);
            a01 = Vector512.Load(d0 + x + 16);
            a02 = Vector512.Load(d0 + x + 32);
            a10 = Vector512.Load(d1 + x);
            a11 = Vector512.Load(d1 + x + 16);
            a12 = Vector512.Load(d1 + x + 32);
            a20 = Vector512.Load(d2 + x);
            a21 = Vector512.Load(d2 + x + 16);
            a22 = Vector512.Load(d2 + x + 32);
            a30 = Vector512.Load(d3 + x);
            a31 = Vector512.Load(d3 + x + 16);
            a32 = Vector512.Load(d3 + x + 32);
        }
        else
        {
            a00 = a01 = a02 = a10 = a11 = a12 = a20 = a21 = a22 = a30 = a31 = a32 = biasVector;
        }

        float* p;
        Vector512<float> x0, x1, x2, t0, t1, t2;

        // Input row 0 feeds output row 0.
        p = q0 + x;
        x0 = Masked<TRow>(Vector512.Load(p), first, left);
        x1 = Vector512.Load(p + 16);
        x2 = Masked<TRow>(Vector512.Load(p + 32), last, right32);
        t0 = x0;
        t1 = Shifted(x0, x1, 1);
        t2 = Shifted(x0, x1, 2);
        a00 = Taps(a00, t0, t1, t2, w00, w01, w02);
        t0 = x1;
        t1 = Shifted(x1, x2, 1);
        t2 = Shifted(x1, x2, 2);
        a01 = Taps(a01, t0, t1, t2, w00, w01, w02);
        t0 = x2;
        t1 = Masked<TRow>(Vector512.Load(p + 33), last, right33);
        t2 = Masked<TRow>(Vector512.Load(p + 34), last, right34);
        a02 = Taps(a02, t0, t1, t2, w00, w01, w02);

        // Input row 1 feeds output rows 1, 0.
        p = q1 + x;
        x0 = Masked<TRow>(Vector512.Load(p), first, left);
        x1 = Vector512.Load(p + 16);
        x2 = Masked<TRow>(Vector512.Load(p + 32), last, right32);
        t0 = x0;
        t1 = Shifted(x0, x1, 1);
        t2 = Shifted(x0, x1, 2);
        a10 = Taps(a10, t0, t1, t2, w00, w01, w02);
        a00 = Taps(a00, t0, t1, t2, w10, w11, w12);
        t0 = x1;
        t1 = Shifted(x1, x2, 1);
        t2 = Shifted(x1, x2, 2);
        a11 = Taps(a11, t0, t1, t2, w00, w01, w02);
        a01 = Taps(a01, t0, t1, t2, w10, w11, w12);
        t0 = x2;
        t1 = Masked<TRow>(Vector512.Load(p + 33), last, right33);
        t2 = Masked<TRow>(Vector512.Load(p + 34), last, right34);
        a12 = Taps(a12, t0, t1, t2, w00, w01, w02);
        a02 = Taps(a02, t0, t1, t2, w10, w11, w12);

        // Input row 2 feeds output rows 2, 1, 0.
        p = q2 + x;
        x0 = Masked<TRow>(Vector512.Load(p), first, left);
        x1 = Vector512.Load(p + 16);
        x2 = Masked<TRow>(Vector512.Load(p + 32), last, right32);
        t0 = x0;
        t1 = Shifted(x0, x1, 1);
        t2 = Shifted(x0, x1, 2);
        a20 = Taps(a20, t0, t1, t2, w00, w01, w02);
        a10 = Taps(a10, t0, t1, t2, w10, w11, w12);
        a00 = Taps(a00, t0, t1, t2, w20, w21, w22);
        t0 = x1;
        t1 = Shifted(x1, x2, 1);
        t2 = Shifted(x1, x2, 2);
        a21 = Taps(a21, t0, t1, t2, w00, w01, w02);
        a11 = Taps(a11, t0, t1, t2, w10, w11, w12);
        a01 = Taps(a01, t0, t1, t2, w20, w21, w22);
        t0 = x2;
        t1 = Masked<TRow>(Vector512.Load(p + 33), last, right33);
        t2 = Masked<TRow>(Vector512.Load(p + 34), last, right34);
        a22 = Taps(a22, t0, t1, t2, w00, w01, w02);
        a12 = Taps(a12, t0, t1, t2, w10, w11, w12);
        a02 = Taps(a02, t0, t1, t2, w20, w21, w22);

        // Input row 3 feeds output rows 3, 2, 1.
        p = q3 + x;
        x0 = Masked<TRow>(Vector512.Load(p), first, left);
        x1 = Vector512.Load(p + 16);
        x2 = Masked<TRow>(Vector512.Load(p + 32), last, right32);
        t0 = x0;
        t1 = Shifted(x0, x1, 1);
        t2 = Shifted(x0, x1, 2);
        a30 = Taps(a30, t0, t1, t2, w00, w01, w02);
        a20 = Taps(a20, t0, t1, t2, w10, w11, w12);
        a10 = Taps(a10, t0, t1, t2, w20, w21, w22);
        t0 = x1;
        t1 = Shifted(x1, x2, 1);
        t2 = Shifted(x1, x2, 2);
        a31 = Taps(a31, t0, t1, t2, w00, w01, w02);
        a21 = Taps(a21, t0, t1, t2, w10, w11, w12);
        a11 = Taps(a11, t0, t1, t2, w20, w21, w22);
        t0 = x2;
        t1 = Masked<TRow>(Vector512.Load(p + 33), last, right33);
        t2 = Masked<TRow>(Vector512.Load(p + 34), last, right34);
        a32 = Taps(a32, t0, t1, t2, w00, w01, w02);
        a22 = Taps(a22, t0, t1, t2, w10, w11, w12);
        a12 = Taps(a12, t0, t1, t2, w20, w21, w22);

        // Input row 4 feeds output rows 3, 2.
        p = q4 + x;
        x0 = Masked<TRow>(Vector512.Load(p), first, left);
        x1 = Vector512.Load(p + 16);
        x2 = Masked<TRow>(Vector512.Load(p + 32), last, right32);
        t0 = x0;
        t1 = Shifted(x0, x1, 1);
        t2 = Shifted(x0, x1, 2);
        a30 = Taps(a30, t0, t1, t2, w10, w11, w12);
        a20 = Taps(a20, t0, t1, t2, w20, w21, w22);
        t0 = x1;
        t1 = Shifted(x1, x2, 1);
        t2 = Shifted(x1, x2, 2);
        a31 = Taps(a31, t0, t1, t2, w10, w11, w12);
        a21 = Taps(a21, t0, t1, t2, w20, w21, w22);
        t0 = x2;
        t1 = Masked<TRow>(Vector512.Load(p + 33), last, right33);
        t2 = Masked<TRow>(Vector512.Load(p + 34), last, right34);
        a32 = Taps(a32, t0, t1, t2, w10, w11, w12);
        a22 = Taps(a22, t0, t1, t2, w20, w21, w22);

        // Input row 5 feeds output row 3.
        p = q5 + x;
        x0 = Masked<TRow>(Vector512.Load(p), first, left);
        x1 = Vector512.Load(p + 16);
        x2 = Masked<TRow>(Vector512.Load(p + 32), last, right32);
        t0 = x0;
        t1 = Shifted(x0, x1, 1);
        t2 = Shifted(x0, x1, 2);
        a30 = Taps(a30, t0, t1, t2, w20, w21, w22);
        t0 = x1;
        t1 = Shifted(x1, x2, 1);
        t2 = Shifted(x1, x2, 2);
        a31 = Taps(a31, t0, t1, t2, w20, w21, w22);
        t0 = x2;
        t1 = Masked<TRow>(Vector512.Load(p + 33), last, right33);
        t2 = Masked<TRow>(Vector512.Load(p + 34), last, right34);
        a32 = Taps(a32, t0, t1, t2, w20, w21, w22);

        a00.Store(d0 + x);
        a01.Store(d0 + x + 16);
        a02.Store(d0 + x + 32);
        a10.Store(d1 + x);
        a11.Store(d1 + x + 16);
        a12.Store(d1 + x + 32);
        a20.Store(d2 + x);
        a21.Store(d2 + x + 16);
        a22.Store(d2 + x + 32);
        a30.Store(d3 + x);
        a31.Store(d3 + x + 16);
        a32.Store(d3 + x + 32);
    }

    /// <summary>
    /// <see cref="Quad3x3Block512{TRow}"/> in whole-row mode summing <paramref name="channels"/> input
    /// planes (<paramref name="channelStride"/> floats apart, kernels <c>w + 9 * c</c>) with the twelve
    /// accumulators held in registers from the bias to the store. The six input rows' code is that
    /// block's, inside a loop over the channels that broadcasts each channel's nine weights; it is a
    /// copy, not a shared helper, because one more inlined call in the single-channel kernel makes the
    /// JIT spill its weights (see the remarks on this class).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Quad3x3BlockChannels512(float* q0, float* q1, float* q2, float* q3, float* q4, float* q5, nint channelStride, nint channels, float* w, float* d0, nint dstStride, nint x, bool first, bool last, Vector512<float> biasVector,
        Vector512<float> left, Vector512<float> right32, Vector512<float> right33, Vector512<float> right34)
    {
        float* d1 = d0 + dstStride, d2 = d0 + (2 * dstStride), d3 = d0 + (3 * dstStride);
        Vector512<float> a00, a01, a02, a10, a11, a12, a20, a21, a22, a30, a31, a32;
        a00 = a01 = a02 = a10 = a11 = a12 = a20 = a21 = a22 = a30 = a31 = a32 = biasVector;
        for (nint c = 0; c < channels; c++)
        {
            float* k = w + (9 * c);
            nint o = c * channelStride;
            Vector512<float> w00 = Vector512.Create(k[0]), w01 = Vector512.Create(k[1]), w02 = Vector512.Create(k[2]);
            Vector512<float> w10 = Vector512.Create(k[3]), w11 = Vector512.Create(k[4]), w12 = Vector512.Create(k[5]);
            Vector512<float> w20 = Vector512.Create(k[6]), w21 = Vector512.Create(k[7]), w22 = Vector512.Create(k[8]);
            float* p;
            Vector512<float> x0, x1, x2, t0, t1, t2;

            // Input row 0 feeds output row 0.
            p = q0 + o + x;
            x0 = Masked<WholeRow>(Vector512.Load(p), first, left);
            x1 = Vector512.Load(p + 16);
            x2 = Masked<WholeRow>(Vector512.Load(p + 32), last, right32);
            t0 = x0;
            t1 = Shifted(x0, x1, 1);
            t2 = Shifted(x0, x1, 2);
            a00 = Taps(a00, t0, t1, t2, w00, w01, w02);
            t0 = x1;
            t1 = Shifted(x1, x2, 1);
            t2 = Shifted(x1, x2, 2);
            a01 = Taps(a01, t0, t1, t2, w00, w01, w02);
            t0 = x2;
            t1 = Masked<WholeRow>(Vector512.Load(p + 33), last, right33);
            t2 = Masked<WholeRow>(Vector512.Load(p + 34), last, right34);
            a02 = Taps(a02, t0, t1, t2, w00, w01, w02);

            // Input row 1 feeds output rows 1, 0.
            p = q1 + o + x;
            x0 = Masked<WholeRow>(Vector512.Load(p), first, left);
            x1 = Vector512.Load(p + 16);
            x2 = Masked<WholeRow>(Vector512.Load(p + 32), last, right32);
            t0 = x0;
            t1 = Shifted(x0, x1, 1);
            t2 = Shifted(x0, x1, 2);
            a10 = Taps(a10, t0, t1, t2, w00, w01, w02);
            a00 = Taps(a00, t0, t1, t2, w10, w11, w12);
            t0 = x1;
            t1 = Shifted(x1, x2, 1);
            t2 = Shifted(x1, x2, 2);
            a11 = Taps(a11, t0, t1, t2, w00, w01, w02);
            a01 = Taps(a01, t0, t1, t2, w10, w11, w12);
            t0 = x2;
            t1 = Masked<WholeRow>(Vector512.Load(p + 33), last, right33);
            t2 = Masked<WholeRow>(Vector512.Load(p + 34), last, right34);
            a12 = Taps(a12, t0, t1, t2, w00, w01, w02);
            a02 = Taps(a02, t0, t1, t2, w10, w11, w12);

            // Input row 2 feeds output rows 2, 1, 0.
            p = q2 + o + x;
            x0 = Masked<WholeRow>(Vector512.Load(p), first, left);
            x1 = Vector512.Load(p + 16);
            x2 = Masked<WholeRow>(Vector512.Load(p + 32), last, right32);
            t0 = x0;
            t1 = Shifted(x0, x1, 1);
            t2 = Shifted(x0, x1, 2);
            a20 = Taps(a20, t0, t1, t2, w00, w01, w02);
            a10 = Taps(a10, t0, t1, t2, w10, w11, w12);
            a00 = Taps(a00, t0, t1, t2, w20, w21, w22);
            t0 = x1;
            t1 = Shifted(x1, x2, 1);
            t2 = Shifted(x1, x2, 2);
            a21 = Taps(a21, t0, t1, t2, w00, w01, w02);
            a11 = Taps(a11, t0, t1, t2, w10, w11, w12);
            a01 = Taps(a01, t0, t1, t2, w20, w21, w22);
            t0 = x2;
            t1 = Masked<WholeRow>(Vector512.Load(p + 33), last, right33);
            t2 = Masked<WholeRow>(Vector512.Load(p + 34), last, right34);
            a22 = Taps(a22, t0, t1, t2, w00, w01, w02);
            a12 = Taps(a12, t0, t1, t2, w10, w11, w12);
            a02 = Taps(a02, t0, t1, t2, w20, w21, w22);

            // Input row 3 feeds output rows 3, 2, 1.
            p = q3 + o + x;
            x0 = Masked<WholeRow>(Vector512.Load(p), first, left);
            x1 = Vector512.Load(p + 16);
            x2 = Masked<WholeRow>(Vector512.Load(p + 32), last, right32);
            t0 = x0;
            t1 = Shifted(x0, x1, 1);
            t2 = Shifted(x0, x1, 2);
            a30 = Taps(a30, t0, t1, t2, w00, w01, w02);
            a20 = Taps(a20, t0, t1, t2, w10, w11, w12);
            a10 = Taps(a10, t0, t1, t2, w20, w21, w22);
            t0 = x1;
            t1 = Shifted(x1, x2, 1);
            t2 = Shifted(x1, x2, 2);
            a31 = Taps(a31, t0, t1, t2, w00, w01, w02);
            a21 = Taps(a21, t0, t1, t2, w10, w11, w12);
            a11 = Taps(a11, t0, t1, t2, w20, w21, w22);
            t0 = x2;
            t1 = Masked<WholeRow>(Vector512.Load(p + 33), last, right33);
            t2 = Masked<WholeRow>(Vector512.Load(p + 34), last, right34);
            a32 = Taps(a32, t0, t1, t2, w00, w01, w02);
            a22 = Taps(a22, t0, t1, t2, w10, w11, w12);
            a12 = Taps(a12, t0, t1, t2, w20, w21, w22);

            // Input row 4 feeds output rows 3, 2.
            p = q4 + o + x;
            x0 = Masked<WholeRow>(Vector512.Load(p), first, left);
            x1 = Vector512.Load(p + 16);
            x2 = Masked<WholeRow>(Vector512.Load(p + 32), last, right32);
            t0 = x0;
            t1 = Shifted(x0, x1, 1);
            t2 = Shifted(x0, x1, 2);
            a30 = Taps(a30, t0, t1, t2, w10, w11, w12);
            a20 = Taps(a20, t0, t1, t2, w20, w21, w22);
            t0 = x1;
            t1 = Shifted(x1, x2, 1);
            t2 = Shifted(x1, x2, 2);
            a31 = Taps(a31, t0, t1, t2, w10, w11, w12);
            a21 = Taps(a21, t0, t1, t2, w20, w21, w22);
            t0 = x2;
            t1 = Masked<WholeRow>(Vector512.Load(p + 33), last, right33);
            t2 = Masked<WholeRow>(Vector512.Load(p + 34), last, right34);
            a32 = Taps(a32, t0, t1, t2, w10, w11, w12);
            a22 = Taps(a22, t0, t1, t2, w20, w21, w22);

            // Input row 5 feeds output row 3.
            p = q5 + o + x;
            x0 = Masked<WholeRow>(Vector512.Load(p), first, left);
            x1 = Vector512.Load(p + 16);
            x2 = Masked<WholeRow>(Vector512.Load(p + 32), last, right32);
            t0 = x0;
            t1 = Shifted(x0, x1, 1);
            t2 = Shifted(x0, x1, 2);
            a30 = Taps(a30, t0, t1, t2, w20, w21, w22);
            t0 = x1;
            t1 = Shifted(x1, x2, 1);
            t2 = Shifted(x1, x2, 2);
            a31 = Taps(a31, t0, t1, t2, w20, w21, w22);
            t0 = x2;
            t1 = Masked<WholeRow>(Vector512.Load(p + 33), last, right33);
            t2 = Masked<WholeRow>(Vector512.Load(p + 34), last, right34);
            a32 = Taps(a32, t0, t1, t2, w20, w21, w22);
        }

        a00.Store(d0 + x);
        a01.Store(d0 + x + 16);
        a02.Store(d0 + x + 32);
        a10.Store(d1 + x);
        a11.Store(d1 + x + 16);
        a12.Store(d1 + x + 32);
        a20.Store(d2 + x);
        a21.Store(d2 + x + 16);
        a22.Store(d2 + x + 32);
        a30.Store(d3 + x);
        a31.Store(d3 + x + 16);
        a32.Store(d3 + x + 32);
    }

    /// <summary>
    /// The two-vector tail block of a whole row (<see cref="Quad3x3Row512"/>): four output rows at columns
    /// <c>width - 32</c> .. <c>width - 1</c>, only the second vector when <paramref name="narrow"/>, its
    /// loads that reach the right padding ANDed with <paramref name="right32"/> .. <paramref name="right34"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Quad3x3Tail512(float* q0, float* q1, float* q2, float* q3, float* q4, float* q5, float* d0, nint dstStride, nint width, bool narrow, bool accumulate, Vector512<float> biasVector,
        Vector512<float> w00, Vector512<float> w01, Vector512<float> w02, Vector512<float> w10, Vector512<float> w11, Vector512<float> w12, Vector512<float> w20, Vector512<float> w21, Vector512<float> w22,
        Vector512<float> right32, Vector512<float> right33, Vector512<float> right34)
    {
        // The last 32 columns as a block of two vectors, after every 48-column block (the one before
        // may have read the right padding). Its second vector and the two taps right of it reach
        // the padding: the masks at columns width - 16, - 15 and - 14 are those of a last 48-column block.
        // When at most 16 columns are left (narrow), the 48-column blocks already cover the first
        // vector's columns, so only the second vector is computed (its loads and shifts stay).
        float* d1 = d0 + dstStride, d2 = d0 + (2 * dstStride), d3 = d0 + (3 * dstStride);
        nint x = width - 32;
        Vector512<float> a00 = biasVector, a01 = biasVector, a10 = biasVector, a11 = biasVector, a20 = biasVector, a21 = biasVector, a30 = biasVector, a31 = biasVector;
        if (accumulate)
        {
            a00 = Vector512.Load(d0 + x);
            a01 = Vector512.Load(d0 + x + 16);
            a10 = Vector512.Load(d1 + x);
            a11 = Vector512.Load(d1 + x + 16);
            a20 = Vector512.Load(d2 + x);
            a21 = Vector512.Load(d2 + x + 16);
            a30 = Vector512.Load(d3 + x);
            a31 = Vector512.Load(d3 + x + 16);
        }

        Vector512<float> x0, x1, t1, t2, u1, u2;

        TailRow(q0 + x, right32, right33, right34, out x0, out t1, out t2, out x1, out u1, out u2);
        if (!narrow)
        {
            a00 = Taps(a00, x0, t1, t2, w00, w01, w02);
        }

        a01 = Taps(a01, x1, u1, u2, w00, w01, w02);

        TailRow(q1 + x, right32, right33, right34, out x0, out t1, out t2, out x1, out u1, out u2);
        if (!narrow)
        {
            a10 = Taps(a10, x0, t1, t2, w00, w01, w02);
            a00 = Taps(a00, x0, t1, t2, w10, w11, w12);
        }

        a11 = Taps(a11, x1, u1, u2, w00, w01, w02);
        a01 = Taps(a01, x1, u1, u2, w10, w11, w12);

        TailRow(q2 + x, right32, right33, right34, out x0, out t1, out t2, out x1, out u1, out u2);
        if (!narrow)
        {
            a20 = Taps(a20, x0, t1, t2, w00, w01, w02);
            a10 = Taps(a10, x0, t1, t2, w10, w11, w12);
            a00 = Taps(a00, x0, t1, t2, w20, w21, w22);
        }

        a21 = Taps(a21, x1, u1, u2, w00, w01, w02);
        a11 = Taps(a11, x1, u1, u2, w10, w11, w12);
        a01 = Taps(a01, x1, u1, u2, w20, w21, w22);

        TailRow(q3 + x, right32, right33, right34, out x0, out t1, out t2, out x1, out u1, out u2);
        if (!narrow)
        {
            a30 = Taps(a30, x0, t1, t2, w00, w01, w02);
            a20 = Taps(a20, x0, t1, t2, w10, w11, w12);
            a10 = Taps(a10, x0, t1, t2, w20, w21, w22);
        }

        a31 = Taps(a31, x1, u1, u2, w00, w01, w02);
        a21 = Taps(a21, x1, u1, u2, w10, w11, w12);
        a11 = Taps(a11, x1, u1, u2, w20, w21, w22);

        TailRow(q4 + x, right32, right33, right34, out x0, out t1, out t2, out x1, out u1, out u2);
        if (!narrow)
        {
            a30 = Taps(a30, x0, t1, t2, w10, w11, w12);
            a20 = Taps(a20, x0, t1, t2, w20, w21, w22);
        }

        a31 = Taps(a31, x1, u1, u2, w10, w11, w12);
        a21 = Taps(a21, x1, u1, u2, w20, w21, w22);

        TailRow(q5 + x, right32, right33, right34, out x0, out t1, out t2, out x1, out u1, out u2);
        if (!narrow)
        {
            a30 = Taps(a30, x0, t1, t2, w20, w21, w22);
        }

        a31 = Taps(a31, x1, u1, u2, w20, w21, w22);

        if (!narrow)
        {
            a00.Store(d0 + x);
            a10.Store(d1 + x);
            a20.Store(d2 + x);
            a30.Store(d3 + x);
        }

        a01.Store(d0 + x + 16);
        a11.Store(d1 + x + 16);
        a21.Store(d2 + x + 16);
        a31.Store(d3 + x + 16);
    }

    /// <summary>
    /// The masks of <see cref="Quad3x3Row512"/> (four vectors): lanes of the first block's load at
    /// padded column 0, and of the last block's loads at columns <c>OutputWidth - 16</c>, <c>- 15</c>
    /// and <c>- 14</c>, on when the padded column is an input column. Returns whether the whole-row
    /// blocks apply: rows of at least 96 outputs and at most 16 padding columns on each side, so that
    /// no other load of the two end blocks reaches the padding.
    /// </summary>
    /// <remarks>
    /// Rows of 512 and 1024 used to keep the edge vectors: before the two-vector tail, the quad loop
    /// and the narrower right-to-left rule (<see cref="RunsBackwards"/>), WholeRowBench measured whole
    /// rows 6 % slower at 512 and 2 to 9 % slower at 1024, depending on where the arrays sat. With the
    /// tail alone it measured 55.6 against 54.3 us at 512 and 237.8 against 250.6 at 1024; 2000x2000
    /// took 0.97 against 1.05 ms in an interleaved stopwatch run (fastest of 12, output 1 KB off).
    /// </remarks>
    internal static unsafe bool FillQuad3x3RowMasks(in ConvGeometry g, float* masks)
    {
        if (g.OutputWidth < 96 || g.PadLeft > 16 || g.PadRight > 16 || g.KernelWidth != 3 || g.DilationX != 1 || g.StrideX != 1)
        {
            return false;
        }

        float on = BitConverter.Int32BitsToSingle(-1);
        ReadOnlySpan<long> starts = [0, g.OutputWidth - 16L, g.OutputWidth - 15L, g.OutputWidth - 14L];
        for (int k = 0; k < 4; k++)
        {
            for (int j = 0; j < 16; j++)
            {
                long column = starts[k] + j - g.PadLeft;
                masks[(k * 16) + j] = (ulong)column < (ulong)g.InputWidth ? on : 0f;
            }
        }

        return true;
    }
}
