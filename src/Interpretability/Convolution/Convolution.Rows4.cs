using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Interpretability;

/// <summary>
/// Four output rows at once for unit vertical stride and dilation, kernel heights 3, 5 and 7.
/// </summary>
/// <remarks>
/// <para>
/// The one-row kernel (<see cref="ConvolveRow"/>) loads one input vector per FMA. On AVX-512 that
/// makes it load-bound: most loads are unaligned and cross a cache line. Here output rows
/// <c>y .. y + 3</c> read input rows <c>r = 0 .. kh + 2</c> of the window; each input vector is loaded
/// once and feeds every output row <c>i</c> with <c>0 &lt;= r - i &lt; kh</c> (weight row <c>r - i</c>).
/// For 3x3 that is 18 loads for 36 FMAs per vector column instead of 36.
/// </para>
/// <para>
/// Blocks of 4 rows x 3 vectors: 12 independent accumulator chains, each 3 FMAs deep per kernel
/// column, so FMA latency (4 cycles) is hidden even at two AVX2 FMAs per cycle; registers:
/// 12 + kh + 3 &lt;= 22. Loop: output columns outside, kernel columns <c>kx</c> inside (their
/// <c>kh</c> weights broadcast into registers), input rows unrolled. Then single-vector blocks, and a
/// last vector overlapping the previous one. Scalar equivalent:
/// <c>out[y + i][x] = bias + sum_ky sum_kx w[ky, kx] * rows[i + ky][x + colOffset[kx]]</c>.
/// </para>
/// <para>
/// 7x7 runs the kernel columns twice per block: input rows 0 .. 4 (weight rows 0 .. 4), then rows
/// 5 .. 9 (weight rows 2 .. 6), ten broadcasts per kernel column instead of seven. On rows 4 KB apart
/// (1024 or 2048 wide) every input row's block maps to the same L1 sets, and one pass over all ten
/// rows per kernel column touched ten lines per set, more than L1's eight ways, so each row was
/// evicted before the next kernel column read it again. Five rows fit. Stopwatch, the two builds
/// alternately (fastest of 9, twice): 1024x1024 1,290-1,318 -> 1,038-1,041 us, 2048x2048 6.12-6.16
/// -> 4.75-4.96 ms, 1008x1008 922 -> 918-923 us, 224x224 45.9-46.0 -> 46.1-46.2 us, 512x512
/// 233.9-234.6 -> 236.0-238.2 us. The same split of 5x5 (rows 0 .. 3, then 4 .. 7) was slower at
/// every width measured (1008x1008 551-553 -> 578-581 us, 1024x1024 731-734 -> 741-760, 224x224
/// 26.5 -> 27.3-27.9), as were three passes for 7x7 (rows 0 .. 3, 4 .. 6, 7 .. 9: 1024x1024 1,233-2,092 us).
/// </para>
/// </remarks>
public static partial class Convolution
{
    /// <summary>Kernel height as a type, for <see cref="ConvolveRows4"/>.</summary>
    internal interface IKernelHeight
    {
        static abstract int Value { get; }
    }

    internal readonly struct KernelHeight3 : IKernelHeight
    {
        public static int Value => 3;
    }

    internal readonly struct KernelHeight5 : IKernelHeight
    {
        public static int Value => 5;
    }

    internal readonly struct KernelHeight7 : IKernelHeight
    {
        public static int Value => 7;
    }

    /// <summary>
    /// Output rows <c>dst + i * dstStride</c>, i in [0, 4), columns [0, width), from input rows
    /// <c>rows[0 .. kh + 2]</c>; width is at least one vector. In accumulate mode the outputs start
    /// from the destination's values instead of the bias. With <paramref name="leftMasks"/> (or
    /// <paramref name="rightMasks"/>), the first (or last) vector of columns of a zero-padded row is
    /// computed from loads that reach past the row's ends, ANDed with kw lane masks that zero the
    /// lanes outside the input (the rows must have readable memory there: see
    /// <c>ConvolvePlaneMasked</c>), so padded rows need no copy; computing the edges in the same call
    /// lets their short dependency chains overlap with the interior's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void ConvolveRows4<TOps, TVec, TKh>(float** rows, int kw, float* w, nint* columnOffsets, float* dst, nint dstStride, int width, float bias, bool accumulate, float* leftMasks = null, float* rightMasks = null, int quads = 1, nint rowShift = 0, bool backwards = false)
        where TOps : IVectorOps<TVec>
        where TVec : struct
        where TKh : IKernelHeight
    {
        nint v = TOps.Count;
        nint n = width;
        TVec biasVector = TOps.Broadcast(bias);
        nint first = 0;
        if (leftMasks != null && rightMasks != null && width >= 2 * v)
        {
            // Both edges in one loop: eight accumulator chains instead of two runs of four.
            Rows4x2Masked<TOps, TVec, TKh>(rows, kw, w, columnOffsets, leftMasks, rightMasks, dst, dstStride, width - v, biasVector, accumulate);
            first = v;
            n -= 2 * v;
            leftMasks = rightMasks = null;
        }

        if (leftMasks != null)
        {
            Rows4x1Masked<TOps, TVec, TKh>(rows, kw, w, columnOffsets, leftMasks, dst, dstStride, 0, biasVector, accumulate, out var e0, out var e1, out var e2, out var e3);
            TOps.Store(e0, dst);
            TOps.Store(e1, dst + dstStride);
            TOps.Store(e2, dst + (2 * dstStride));
            TOps.Store(e3, dst + (3 * dstStride));
            first = v;
            n -= v;
        }

        if (rightMasks != null)
        {
            Rows4x1Masked<TOps, TVec, TKh>(rows, kw, w, columnOffsets, rightMasks, dst, dstStride, width - v, biasVector, accumulate, out var e0, out var e1, out var e2, out var e3);
            float* edge = dst + width - v;
            TOps.Store(e0, edge);
            TOps.Store(e1, edge + dstStride);
            TOps.Store(e2, edge + (2 * dstStride));
            TOps.Store(e3, edge + (3 * dstStride));
            n -= v;
        }

        if (n == 0)
        {
            return;
        }

        // Between the edges: columns [first, first + n). Several quads in one call read rows[r] + q * rowShift.
        dst += first;
        for (nint shift = first; quads > 0; quads--, shift += rowShift, dst += 4 * dstStride)
        {
            ConvolveQuad<TOps, TVec, TKh>(rows, shift, kw, w, columnOffsets, dst, dstStride, n, biasVector, accumulate, backwards);
        }
    }

    /// <summary>One quad of output rows, columns [0, n), reading <c>rows[r] + shift</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe void ConvolveQuad<TOps, TVec, TKh>(float** rows, nint shift, int kw, float* w, nint* columnOffsets, float* dst, nint dstStride, nint n, TVec biasVector, bool accumulate, bool backwards)
        where TOps : IVectorOps<TVec>
        where TVec : struct
        where TKh : IKernelHeight
    {
        nint v = TOps.Count;
        float* d0 = dst, d1 = dst + dstStride, d2 = dst + (2 * dstStride), d3 = dst + (3 * dstStride);

        // A width that is not a multiple of the vector ends with a vector overlapping the previous one;
        // computed first (reading the destination before other blocks store over the shared lanes in
        // accumulate mode), stored last. See ConvolveRow.
        bool ragged = n % v != 0;
        TVec last0 = default, last1 = default, last2 = default, last3 = default;
        if (ragged)
        {
            Rows4x1<TOps, TVec, TKh>(rows, shift, kw, w, columnOffsets, dst, dstStride, n - v, biasVector, accumulate, out last0, out last1, out last2, out last3);
        }

        // Blocks of 3 vectors, then single vectors, then the ragged last vector. Backwards (right to
        // left) when the destination sits just after the source modulo 4 KB: stores of one block would
        // otherwise alias, in the low 12 address bits, the loads of the next ("4K aliasing"), which
        // cost a third of the speed on 1024-wide rows.
        nint blocks = n / (3 * v), singles = (n - (blocks * 3 * v)) / v, generic = blocks, start = blocks * 3 * v;
        if (UsesQuad3x3Blocks512<TVec, TKh>(kw, columnOffsets))
        {
            Quad3x3Blocks512(rows, columnOffsets[0] + shift, w, dst, dstStride, blocks, Unsafe.As<TVec, Vector512<float>>(ref biasVector), accumulate, backwards);
            generic = 0;
        }
        else if (UsesQuad5x5Blocks512<TVec, TKh>(kw, columnOffsets))
        {
            Quad5x5Blocks512(rows, columnOffsets[0] + shift, w, dst, dstStride, blocks, Unsafe.As<TVec, Vector512<float>>(ref biasVector), accumulate, backwards);
            generic = 0;
        }

        for (nint b = 0; b < generic; b++)
        {
            nint x = backwards ? (blocks - 1 - b) * 3 * v : b * 3 * v;
            TVec a00, a01, a02, a10, a11, a12, a20, a21, a22, a30, a31, a32;
            if (accumulate)
            {
                a00 = TOps.Load(d0 + x);
                a01 = TOps.Load(d0 + x + v);
                a02 = TOps.Load(d0 + x + (2 * v));
                a10 = TOps.Load(d1 + x);
                a11 = TOps.Load(d1 + x + v);
                a12 = TOps.Load(d1 + x + (2 * v));
                a20 = TOps.Load(d2 + x);
                a21 = TOps.Load(d2 + x + v);
                a22 = TOps.Load(d2 + x + (2 * v));
                a30 = TOps.Load(d3 + x);
                a31 = TOps.Load(d3 + x + v);
                a32 = TOps.Load(d3 + x + (2 * v));
            }
            else
            {
                a00 = a01 = a02 = a10 = a11 = a12 = a20 = a21 = a22 = a30 = a31 = a32 = biasVector;
            }

            if (TKh.Value == 3)
            {
                for (int kx = 0; kx < kw; kx++)
                {
                    float* wk = w + kx;
                    TVec w0 = TOps.Broadcast(wk[0]), w1 = TOps.Broadcast(wk[kw]), w2 = TOps.Broadcast(wk[2 * kw]);
                    nint o = columnOffsets[kx] + x + shift;
                    TVec v0, v1, v2;
                    v0 = TOps.Load(rows[0] + o);
                    v1 = TOps.Load(rows[0] + o + v);
                    v2 = TOps.Load(rows[0] + o + (2 * v));
                    a00 = TOps.MultiplyAdd(v0, w0, a00);
                    a01 = TOps.MultiplyAdd(v1, w0, a01);
                    a02 = TOps.MultiplyAdd(v2, w0, a02);
                    v0 = TOps.Load(rows[1] + o);
                    v1 = TOps.Load(rows[1] + o + v);
                    v2 = TOps.Load(rows[1] + o + (2 * v));
                    a00 = TOps.MultiplyAdd(v0, w1, a00);
                    a01 = TOps.MultiplyAdd(v1, w1, a01);
                    a02 = TOps.MultiplyAdd(v2, w1, a02);
                    a10 = TOps.MultiplyAdd(v0, w0, a10);
                    a11 = TOps.MultiplyAdd(v1, w0, a11);
                    a12 = TOps.MultiplyAdd(v2, w0, a12);
                    v0 = TOps.Load(rows[2] + o);
                    v1 = TOps.Load(rows[2] + o + v);
                    v2 = TOps.Load(rows[2] + o + (2 * v));
                    a00 = TOps.MultiplyAdd(v0, w2, a00);
                    a01 = TOps.MultiplyAdd(v1, w2, a01);
                    a02 = TOps.MultiplyAdd(v2, w2, a02);
                    a10 = TOps.MultiplyAdd(v0, w1, a10);
                    a11 = TOps.MultiplyAdd(v1, w1, a11);
                    a12 = TOps.MultiplyAdd(v2, w1, a12);
                    a20 = TOps.MultiplyAdd(v0, w0, a20);
                    a21 = TOps.MultiplyAdd(v1, w0, a21);
                    a22 = TOps.MultiplyAdd(v2, w0, a22);
                    v0 = TOps.Load(rows[3] + o);
                    v1 = TOps.Load(rows[3] + o + v);
                    v2 = TOps.Load(rows[3] + o + (2 * v));
                    a10 = TOps.MultiplyAdd(v0, w2, a10);
                    a11 = TOps.MultiplyAdd(v1, w2, a11);
                    a12 = TOps.MultiplyAdd(v2, w2, a12);
                    a20 = TOps.MultiplyAdd(v0, w1, a20);
                    a21 = TOps.MultiplyAdd(v1, w1, a21);
                    a22 = TOps.MultiplyAdd(v2, w1, a22);
                    a30 = TOps.MultiplyAdd(v0, w0, a30);
                    a31 = TOps.MultiplyAdd(v1, w0, a31);
                    a32 = TOps.MultiplyAdd(v2, w0, a32);
                    v0 = TOps.Load(rows[4] + o);
                    v1 = TOps.Load(rows[4] + o + v);
                    v2 = TOps.Load(rows[4] + o + (2 * v));
                    a20 = TOps.MultiplyAdd(v0, w2, a20);
                    a21 = TOps.MultiplyAdd(v1, w2, a21);
                    a22 = TOps.MultiplyAdd(v2, w2, a22);
                    a30 = TOps.MultiplyAdd(v0, w1, a30);
                    a31 = TOps.MultiplyAdd(v1, w1, a31);
                    a32 = TOps.MultiplyAdd(v2, w1, a32);
                    v0 = TOps.Load(rows[5] + o);
                    v1 = TOps.Load(rows[5] + o + v);
                    v2 = TOps.Load(rows[5] + o + (2 * v));
                    a30 = TOps.MultiplyAdd(v0, w2, a30);
                    a31 = TOps.MultiplyAdd(v1, w2, a31);
                    a32 = TOps.MultiplyAdd(v2, w2, a32);
                }
            }
            else if (TKh.Value == 5)
            {
                for (int kx = 0; kx < kw; kx++)
                {
                    float* wk = w + kx;
                    TVec w0 = TOps.Broadcast(wk[0]), w1 = TOps.Broadcast(wk[kw]), w2 = TOps.Broadcast(wk[2 * kw]), w3 = TOps.Broadcast(wk[3 * kw]), w4 = TOps.Broadcast(wk[4 * kw]);
                    nint o = columnOffsets[kx] + x + shift;
                    TVec v0, v1, v2;
                    v0 = TOps.Load(rows[0] + o);
                    v1 = TOps.Load(rows[0] + o + v);
                    v2 = TOps.Load(rows[0] + o + (2 * v));
                    a00 = TOps.MultiplyAdd(v0, w0, a00);
                    a01 = TOps.MultiplyAdd(v1, w0, a01);
                    a02 = TOps.MultiplyAdd(v2, w0, a02);
                    v0 = TOps.Load(rows[1] + o);
                    v1 = TOps.Load(rows[1] + o + v);
                    v2 = TOps.Load(rows[1] + o + (2 * v));
                    a00 = TOps.MultiplyAdd(v0, w1, a00);
                    a01 = TOps.MultiplyAdd(v1, w1, a01);
                    a02 = TOps.MultiplyAdd(v2, w1, a02);
                    a10 = TOps.MultiplyAdd(v0, w0, a10);
                    a11 = TOps.MultiplyAdd(v1, w0, a11);
                    a12 = TOps.MultiplyAdd(v2, w0, a12);
                    v0 = TOps.Load(rows[2] + o);
                    v1 = TOps.Load(rows[2] + o + v);
                    v2 = TOps.Load(rows[2] + o + (2 * v));
                    a00 = TOps.MultiplyAdd(v0, w2, a00);
                    a01 = TOps.MultiplyAdd(v1, w2, a01);
                    a02 = TOps.MultiplyAdd(v2, w2, a02);
                    a10 = TOps.MultiplyAdd(v0, w1, a10);
                    a11 = TOps.MultiplyAdd(v1, w1, a11);
                    a12 = TOps.MultiplyAdd(v2, w1, a12);
                    a20 = TOps.MultiplyAdd(v0, w0, a20);
                    a21 = TOps.MultiplyAdd(v1, w0, a21);
                    a22 = TOps.MultiplyAdd(v2, w0, a22);
                    v0 = TOps.Load(rows[3] + o);
                    v1 = TOps.Load(rows[3] + o + v);
                    v2 = TOps.Load(rows[3] + o + (2 * v));
                    a00 = TOps.MultiplyAdd(v0, w3, a00);
                    a01 = TOps.MultiplyAdd(v1, w3, a01);
                    a02 = TOps.MultiplyAdd(v2, w3, a02);
                    a10 = TOps.MultiplyAdd(v0, w2, a10);
                    a11 = TOps.MultiplyAdd(v1, w2, a11);
                    a12 = TOps.MultiplyAdd(v2, w2, a12);
                    a20 = TOps.MultiplyAdd(v0, w1, a20);
                    a21 = TOps.MultiplyAdd(v1, w1, a21);
                    a22 = TOps.MultiplyAdd(v2, w1, a22);
                    a30 = TOps.MultiplyAdd(v0, w0, a30);
                    a31 = TOps.MultiplyAdd(v1, w0, a31);
                    a32 = TOps.MultiplyAdd(v2, w0, a32);
                    v0 = TOps.Load(rows[4] + o);
                    v1 = TOps.Load(rows[4] + o + v);
                    v2 = TOps.Load(rows[4] + o + (2 * v));
                    a00 = TOps.MultiplyAdd(v0, w4, a00);
                    a01 = TOps.MultiplyAdd(v1, w4, a01);
                    a02 = TOps.MultiplyAdd(v2, w4, a02);
                    a10 = TOps.MultiplyAdd(v0, w3, a10);
                    a11 = TOps.MultiplyAdd(v1, w3, a11);
                    a12 = TOps.MultiplyAdd(v2, w3, a12);
                    a20 = TOps.MultiplyAdd(v0, w2, a20);
                    a21 = TOps.MultiplyAdd(v1, w2, a21);
                    a22 = TOps.MultiplyAdd(v2, w2, a22);
                    a30 = TOps.MultiplyAdd(v0, w1, a30);
                    a31 = TOps.MultiplyAdd(v1, w1, a31);
                    a32 = TOps.MultiplyAdd(v2, w1, a32);
                    v0 = TOps.Load(rows[5] + o);
                    v1 = TOps.Load(rows[5] + o + v);
                    v2 = TOps.Load(rows[5] + o + (2 * v));
                    a10 = TOps.MultiplyAdd(v0, w4, a10);
                    a11 = TOps.MultiplyAdd(v1, w4, a11);
                    a12 = TOps.MultiplyAdd(v2, w4, a12);
                    a20 = TOps.MultiplyAdd(v0, w3, a20);
                    a21 = TOps.MultiplyAdd(v1, w3, a21);
                    a22 = TOps.MultiplyAdd(v2, w3, a22);
                    a30 = TOps.MultiplyAdd(v0, w2, a30);
                    a31 = TOps.MultiplyAdd(v1, w2, a31);
                    a32 = TOps.MultiplyAdd(v2, w2, a32);
                    v0 = TOps.Load(rows[6] + o);
                    v1 = TOps.Load(rows[6] + o + v);
                    v2 = TOps.Load(rows[6] + o + (2 * v));
                    a20 = TOps.MultiplyAdd(v0, w4, a20);
                    a21 = TOps.MultiplyAdd(v1, w4, a21);
                    a22 = TOps.MultiplyAdd(v2, w4, a22);
                    a30 = TOps.MultiplyAdd(v0, w3, a30);
                    a31 = TOps.MultiplyAdd(v1, w3, a31);
                    a32 = TOps.MultiplyAdd(v2, w3, a32);
                    v0 = TOps.Load(rows[7] + o);
                    v1 = TOps.Load(rows[7] + o + v);
                    v2 = TOps.Load(rows[7] + o + (2 * v));
                    a30 = TOps.MultiplyAdd(v0, w4, a30);
                    a31 = TOps.MultiplyAdd(v1, w4, a31);
                    a32 = TOps.MultiplyAdd(v2, w4, a32);
                }
            }
            else
            {
                // Input rows 0 .. 4 for every kernel column, then rows 5 .. 9 (see the remarks: L1 ways on 4 KB rows).
                for (int kx = 0; kx < kw; kx++)
                {
                    float* wk = w + kx;
                    TVec w0 = TOps.Broadcast(wk[0]), w1 = TOps.Broadcast(wk[kw]), w2 = TOps.Broadcast(wk[2 * kw]), w3 = TOps.Broadcast(wk[3 * kw]), w4 = TOps.Broadcast(wk[4 * kw]);
                    nint o = columnOffsets[kx] + x + shift;
                    TVec v0, v1, v2;
                    v0 = TOps.Load(rows[0] + o);
                    v1 = TOps.Load(rows[0] + o + v);
                    v2 = TOps.Load(rows[0] + o + (2 * v));
                    a00 = TOps.MultiplyAdd(v0, w0, a00);
                    a01 = TOps.MultiplyAdd(v1, w0, a01);
                    a02 = TOps.MultiplyAdd(v2, w0, a02);
                    v0 = TOps.Load(rows[1] + o);
                    v1 = TOps.Load(rows[1] + o + v);
                    v2 = TOps.Load(rows[1] + o + (2 * v));
                    a00 = TOps.MultiplyAdd(v0, w1, a00);
                    a01 = TOps.MultiplyAdd(v1, w1, a01);
                    a02 = TOps.MultiplyAdd(v2, w1, a02);
                    a10 = TOps.MultiplyAdd(v0, w0, a10);
                    a11 = TOps.MultiplyAdd(v1, w0, a11);
                    a12 = TOps.MultiplyAdd(v2, w0, a12);
                    v0 = TOps.Load(rows[2] + o);
                    v1 = TOps.Load(rows[2] + o + v);
                    v2 = TOps.Load(rows[2] + o + (2 * v));
                    a00 = TOps.MultiplyAdd(v0, w2, a00);
                    a01 = TOps.MultiplyAdd(v1, w2, a01);
                    a02 = TOps.MultiplyAdd(v2, w2, a02);
                    a10 = TOps.MultiplyAdd(v0, w1, a10);
                    a11 = TOps.MultiplyAdd(v1, w1, a11);
                    a12 = TOps.MultiplyAdd(v2, w1, a12);
                    a20 = TOps.MultiplyAdd(v0, w0, a20);
                    a21 = TOps.MultiplyAdd(v1, w0, a21);
                    a22 = TOps.MultiplyAdd(v2, w0, a22);
                    v0 = TOps.Load(rows[3] + o);
                    v1 = TOps.Load(rows[3] + o + v);
                    v2 = TOps.Load(rows[3] + o + (2 * v));
                    a00 = TOps.MultiplyAdd(v0, w3, a00);
                    a01 = TOps.MultiplyAdd(v1, w3, a01);
                    a02 = TOps.MultiplyAdd(v2, w3, a02);
                    a10 = TOps.MultiplyAdd(v0, w2, a10);
                    a11 = TOps.MultiplyAdd(v1, w2, a11);
                    a12 = TOps.MultiplyAdd(v2, w2, a12);
                    a20 = TOps.MultiplyAdd(v0, w1, a20);
                    a21 = TOps.MultiplyAdd(v1, w1, a21);
                    a22 = TOps.MultiplyAdd(v2, w1, a22);
                    a30 = TOps.MultiplyAdd(v0, w0, a30);
                    a31 = TOps.MultiplyAdd(v1, w0, a31);
                    a32 = TOps.MultiplyAdd(v2, w0, a32);
                    v0 = TOps.Load(rows[4] + o);
                    v1 = TOps.Load(rows[4] + o + v);
                    v2 = TOps.Load(rows[4] + o + (2 * v));
                    a00 = TOps.MultiplyAdd(v0, w4, a00);
                    a01 = TOps.MultiplyAdd(v1, w4, a01);
                    a02 = TOps.MultiplyAdd(v2, w4, a02);
                    a10 = TOps.MultiplyAdd(v0, w3, a10);
                    a11 = TOps.MultiplyAdd(v1, w3, a11);
                    a12 = TOps.MultiplyAdd(v2, w3, a12);
                    a20 = TOps.MultiplyAdd(v0, w2, a20);
                    a21 = TOps.MultiplyAdd(v1, w2, a21);
                    a22 = TOps.MultiplyAdd(v2, w2, a22);
                    a30 = TOps.MultiplyAdd(v0, w1, a30);
                    a31 = TOps.MultiplyAdd(v1, w1, a31);
                    a32 = TOps.MultiplyAdd(v2, w1, a32);
                }

                for (int kx = 0; kx < kw; kx++)
                {
                    float* wk = w + kx;
                    TVec w2 = TOps.Broadcast(wk[2 * kw]), w3 = TOps.Broadcast(wk[3 * kw]), w4 = TOps.Broadcast(wk[4 * kw]), w5 = TOps.Broadcast(wk[5 * kw]), w6 = TOps.Broadcast(wk[6 * kw]);
                    nint o = columnOffsets[kx] + x + shift;
                    TVec v0, v1, v2;
                    v0 = TOps.Load(rows[5] + o);
                    v1 = TOps.Load(rows[5] + o + v);
                    v2 = TOps.Load(rows[5] + o + (2 * v));
                    a00 = TOps.MultiplyAdd(v0, w5, a00);
                    a01 = TOps.MultiplyAdd(v1, w5, a01);
                    a02 = TOps.MultiplyAdd(v2, w5, a02);
                    a10 = TOps.MultiplyAdd(v0, w4, a10);
                    a11 = TOps.MultiplyAdd(v1, w4, a11);
                    a12 = TOps.MultiplyAdd(v2, w4, a12);
                    a20 = TOps.MultiplyAdd(v0, w3, a20);
                    a21 = TOps.MultiplyAdd(v1, w3, a21);
                    a22 = TOps.MultiplyAdd(v2, w3, a22);
                    a30 = TOps.MultiplyAdd(v0, w2, a30);
                    a31 = TOps.MultiplyAdd(v1, w2, a31);
                    a32 = TOps.MultiplyAdd(v2, w2, a32);
                    v0 = TOps.Load(rows[6] + o);
                    v1 = TOps.Load(rows[6] + o + v);
                    v2 = TOps.Load(rows[6] + o + (2 * v));
                    a00 = TOps.MultiplyAdd(v0, w6, a00);
                    a01 = TOps.MultiplyAdd(v1, w6, a01);
                    a02 = TOps.MultiplyAdd(v2, w6, a02);
                    a10 = TOps.MultiplyAdd(v0, w5, a10);
                    a11 = TOps.MultiplyAdd(v1, w5, a11);
                    a12 = TOps.MultiplyAdd(v2, w5, a12);
                    a20 = TOps.MultiplyAdd(v0, w4, a20);
                    a21 = TOps.MultiplyAdd(v1, w4, a21);
                    a22 = TOps.MultiplyAdd(v2, w4, a22);
                    a30 = TOps.MultiplyAdd(v0, w3, a30);
                    a31 = TOps.MultiplyAdd(v1, w3, a31);
                    a32 = TOps.MultiplyAdd(v2, w3, a32);
                    v0 = TOps.Load(rows[7] + o);
                    v1 = TOps.Load(rows[7] + o + v);
                    v2 = TOps.Load(rows[7] + o + (2 * v));
                    a10 = TOps.MultiplyAdd(v0, w6, a10);
                    a11 = TOps.MultiplyAdd(v1, w6, a11);
                    a12 = TOps.MultiplyAdd(v2, w6, a12);
                    a20 = TOps.MultiplyAdd(v0, w5, a20);
                    a21 = TOps.MultiplyAdd(v1, w5, a21);
                    a22 = TOps.MultiplyAdd(v2, w5, a22);
                    a30 = TOps.MultiplyAdd(v0, w4, a30);
                    a31 = TOps.MultiplyAdd(v1, w4, a31);
                    a32 = TOps.MultiplyAdd(v2, w4, a32);
                    v0 = TOps.Load(rows[8] + o);
                    v1 = TOps.Load(rows[8] + o + v);
                    v2 = TOps.Load(rows[8] + o + (2 * v));
                    a20 = TOps.MultiplyAdd(v0, w6, a20);
                    a21 = TOps.MultiplyAdd(v1, w6, a21);
                    a22 = TOps.MultiplyAdd(v2, w6, a22);
                    a30 = TOps.MultiplyAdd(v0, w5, a30);
                    a31 = TOps.MultiplyAdd(v1, w5, a31);
                    a32 = TOps.MultiplyAdd(v2, w5, a32);
                    v0 = TOps.Load(rows[9] + o);
                    v1 = TOps.Load(rows[9] + o + v);
                    v2 = TOps.Load(rows[9] + o + (2 * v));
                    a30 = TOps.MultiplyAdd(v0, w6, a30);
                    a31 = TOps.MultiplyAdd(v1, w6, a31);
                    a32 = TOps.MultiplyAdd(v2, w6, a32);
                }
            }

            TOps.Store(a00, d0 + x);
            TOps.Store(a01, d0 + x + v);
            TOps.Store(a02, d0 + x + (2 * v));
            TOps.Store(a10, d1 + x);
            TOps.Store(a11, d1 + x + v);
            TOps.Store(a12, d1 + x + (2 * v));
            TOps.Store(a20, d2 + x);
            TOps.Store(a21, d2 + x + v);
            TOps.Store(a22, d2 + x + (2 * v));
            TOps.Store(a30, d3 + x);
            TOps.Store(a31, d3 + x + v);
            TOps.Store(a32, d3 + x + (2 * v));
        }

        for (nint b = 0; b < singles; b++)
        {
            nint x = start + ((backwards ? singles - 1 - b : b) * v);
            Rows4x1<TOps, TVec, TKh>(rows, shift, kw, w, columnOffsets, dst, dstStride, x, biasVector, accumulate, out var r0, out var r1, out var r2, out var r3);
            TOps.Store(r0, d0 + x);
            TOps.Store(r1, d1 + x);
            TOps.Store(r2, d2 + x);
            TOps.Store(r3, d3 + x);
        }

        if (ragged)
        {
            TOps.Store(last0, d0 + n - v);
            TOps.Store(last1, d1 + n - v);
            TOps.Store(last2, d2 + n - v);
            TOps.Store(last3, d3 + n - v);
        }
    }

    /// <summary>One vector column of the four rows at <paramref name="x"/> (reading <c>rows[r] + shift + x</c>): 4 accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Rows4x1<TOps, TVec, TKh>(float** rows, nint shift, int kw, float* w, nint* columnOffsets, float* dst, nint dstStride, nint x, TVec bias, bool accumulate, out TVec r0, out TVec r1, out TVec r2, out TVec r3)
        where TOps : IVectorOps<TVec>
        where TVec : struct
        where TKh : IKernelHeight
    {
        TVec a00, a10, a20, a30;
        if (accumulate)
        {
            a00 = TOps.Load(dst + x);
            a10 = TOps.Load(dst + dstStride + x);
            a20 = TOps.Load(dst + (2 * dstStride) + x);
            a30 = TOps.Load(dst + (3 * dstStride) + x);
        }
        else
        {
            a00 = a10 = a20 = a30 = bias;
        }

        if (TKh.Value == 3)
        {
            for (int kx = 0; kx < kw; kx++)
            {
                float* wk = w + kx;
                TVec w0 = TOps.Broadcast(wk[0]), w1 = TOps.Broadcast(wk[kw]), w2 = TOps.Broadcast(wk[2 * kw]);
                nint o = columnOffsets[kx] + x + shift;
                TVec v0;
                v0 = TOps.Load(rows[0] + o);
                a00 = TOps.MultiplyAdd(v0, w0, a00);
                v0 = TOps.Load(rows[1] + o);
                a00 = TOps.MultiplyAdd(v0, w1, a00);
                a10 = TOps.MultiplyAdd(v0, w0, a10);
                v0 = TOps.Load(rows[2] + o);
                a00 = TOps.MultiplyAdd(v0, w2, a00);
                a10 = TOps.MultiplyAdd(v0, w1, a10);
                a20 = TOps.MultiplyAdd(v0, w0, a20);
                v0 = TOps.Load(rows[3] + o);
                a10 = TOps.MultiplyAdd(v0, w2, a10);
                a20 = TOps.MultiplyAdd(v0, w1, a20);
                a30 = TOps.MultiplyAdd(v0, w0, a30);
                v0 = TOps.Load(rows[4] + o);
                a20 = TOps.MultiplyAdd(v0, w2, a20);
                a30 = TOps.MultiplyAdd(v0, w1, a30);
                v0 = TOps.Load(rows[5] + o);
                a30 = TOps.MultiplyAdd(v0, w2, a30);
            }
        }
        else if (TKh.Value == 5)
        {
            for (int kx = 0; kx < kw; kx++)
            {
                float* wk = w + kx;
                TVec w0 = TOps.Broadcast(wk[0]), w1 = TOps.Broadcast(wk[kw]), w2 = TOps.Broadcast(wk[2 * kw]), w3 = TOps.Broadcast(wk[3 * kw]), w4 = TOps.Broadcast(wk[4 * kw]);
                nint o = columnOffsets[kx] + x + shift;
                TVec v0;
                v0 = TOps.Load(rows[0] + o);
                a00 = TOps.MultiplyAdd(v0, w0, a00);
                v0 = TOps.Load(rows[1] + o);
                a00 = TOps.MultiplyAdd(v0, w1, a00);
                a10 = TOps.MultiplyAdd(v0, w0, a10);
                v0 = TOps.Load(rows[2] + o);
                a00 = TOps.MultiplyAdd(v0, w2, a00);
                a10 = TOps.MultiplyAdd(v0, w1, a10);
                a20 = TOps.MultiplyAdd(v0, w0, a20);
                v0 = TOps.Load(rows[3] + o);
                a00 = TOps.MultiplyAdd(v0, w3, a00);
                a10 = TOps.MultiplyAdd(v0, w2, a10);
                a20 = TOps.MultiplyAdd(v0, w1, a20);
                a30 = TOps.MultiplyAdd(v0, w0, a30);
                v0 = TOps.Load(rows[4] + o);
                a00 = TOps.MultiplyAdd(v0, w4, a00);
                a10 = TOps.MultiplyAdd(v0, w3, a10);
                a20 = TOps.MultiplyAdd(v0, w2, a20);
                a30 = TOps.MultiplyAdd(v0, w1, a30);
                v0 = TOps.Load(rows[5] + o);
                a10 = TOps.MultiplyAdd(v0, w4, a10);
                a20 = TOps.MultiplyAdd(v0, w3, a20);
                a30 = TOps.MultiplyAdd(v0, w2, a30);
                v0 = TOps.Load(rows[6] + o);
                a20 = TOps.MultiplyAdd(v0, w4, a20);
                a30 = TOps.MultiplyAdd(v0, w3, a30);
                v0 = TOps.Load(rows[7] + o);
                a30 = TOps.MultiplyAdd(v0, w4, a30);
            }
        }
        else
        {
            for (int kx = 0; kx < kw; kx++)
            {
                float* wk = w + kx;
                TVec w0 = TOps.Broadcast(wk[0]), w1 = TOps.Broadcast(wk[kw]), w2 = TOps.Broadcast(wk[2 * kw]), w3 = TOps.Broadcast(wk[3 * kw]), w4 = TOps.Broadcast(wk[4 * kw]), w5 = TOps.Broadcast(wk[5 * kw]), w6 = TOps.Broadcast(wk[6 * kw]);
                nint o = columnOffsets[kx] + x + shift;
                TVec v0;
                v0 = TOps.Load(rows[0] + o);
                a00 = TOps.MultiplyAdd(v0, w0, a00);
                v0 = TOps.Load(rows[1] + o);
                a00 = TOps.MultiplyAdd(v0, w1, a00);
                a10 = TOps.MultiplyAdd(v0, w0, a10);
                v0 = TOps.Load(rows[2] + o);
                a00 = TOps.MultiplyAdd(v0, w2, a00);
                a10 = TOps.MultiplyAdd(v0, w1, a10);
                a20 = TOps.MultiplyAdd(v0, w0, a20);
                v0 = TOps.Load(rows[3] + o);
                a00 = TOps.MultiplyAdd(v0, w3, a00);
                a10 = TOps.MultiplyAdd(v0, w2, a10);
                a20 = TOps.MultiplyAdd(v0, w1, a20);
                a30 = TOps.MultiplyAdd(v0, w0, a30);
                v0 = TOps.Load(rows[4] + o);
                a00 = TOps.MultiplyAdd(v0, w4, a00);
                a10 = TOps.MultiplyAdd(v0, w3, a10);
                a20 = TOps.MultiplyAdd(v0, w2, a20);
                a30 = TOps.MultiplyAdd(v0, w1, a30);
                v0 = TOps.Load(rows[5] + o);
                a00 = TOps.MultiplyAdd(v0, w5, a00);
                a10 = TOps.MultiplyAdd(v0, w4, a10);
                a20 = TOps.MultiplyAdd(v0, w3, a20);
                a30 = TOps.MultiplyAdd(v0, w2, a30);
                v0 = TOps.Load(rows[6] + o);
                a00 = TOps.MultiplyAdd(v0, w6, a00);
                a10 = TOps.MultiplyAdd(v0, w5, a10);
                a20 = TOps.MultiplyAdd(v0, w4, a20);
                a30 = TOps.MultiplyAdd(v0, w3, a30);
                v0 = TOps.Load(rows[7] + o);
                a10 = TOps.MultiplyAdd(v0, w6, a10);
                a20 = TOps.MultiplyAdd(v0, w5, a20);
                a30 = TOps.MultiplyAdd(v0, w4, a30);
                v0 = TOps.Load(rows[8] + o);
                a20 = TOps.MultiplyAdd(v0, w6, a20);
                a30 = TOps.MultiplyAdd(v0, w5, a30);
                v0 = TOps.Load(rows[9] + o);
                a30 = TOps.MultiplyAdd(v0, w6, a30);
            }
        }

        r0 = a00;
        r1 = a10;
        r2 = a20;
        r3 = a30;
    }

    /// <summary>
    /// <see cref="Rows4x1"/> at an edge of a padded row: tap <c>kx</c>'s loads are ANDed with mask
    /// vector <c>masks[kx * Count ..]</c>, so lanes whose column is outside the input count as zero.
    /// (Hardware masked loads would not need readable memory there, but on Zen 4 a masked load whose
    /// masked-off lanes cross a page boundary is about ten times slower: 256-wide rows ran at 0.22 G FMA/s.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Rows4x1Masked<TOps, TVec, TKh>(float** rows, int kw, float* w, nint* columnOffsets, float* masks, float* dst, nint dstStride, nint x, TVec bias, bool accumulate, out TVec r0, out TVec r1, out TVec r2, out TVec r3)
        where TOps : IVectorOps<TVec>
        where TVec : struct
        where TKh : IKernelHeight
    {
        TVec a00, a10, a20, a30;
        if (accumulate)
        {
            a00 = TOps.Load(dst + x);
            a10 = TOps.Load(dst + dstStride + x);
            a20 = TOps.Load(dst + (2 * dstStride) + x);
            a30 = TOps.Load(dst + (3 * dstStride) + x);
        }
        else
        {
            a00 = a10 = a20 = a30 = bias;
        }

        if (TKh.Value == 3)
        {
            for (int kx = 0; kx < kw; kx++)
            {
                float* wk = w + kx;
                TVec w0 = TOps.Broadcast(wk[0]), w1 = TOps.Broadcast(wk[kw]), w2 = TOps.Broadcast(wk[2 * kw]);
                nint o = columnOffsets[kx] + x;
                TVec v0, mask = TOps.Load(masks + (kx * TOps.Count));
                v0 = TOps.And(TOps.Load(rows[0] + o), mask);
                a00 = TOps.MultiplyAdd(v0, w0, a00);
                v0 = TOps.And(TOps.Load(rows[1] + o), mask);
                a00 = TOps.MultiplyAdd(v0, w1, a00);
                a10 = TOps.MultiplyAdd(v0, w0, a10);
                v0 = TOps.And(TOps.Load(rows[2] + o), mask);
                a00 = TOps.MultiplyAdd(v0, w2, a00);
                a10 = TOps.MultiplyAdd(v0, w1, a10);
                a20 = TOps.MultiplyAdd(v0, w0, a20);
                v0 = TOps.And(TOps.Load(rows[3] + o), mask);
                a10 = TOps.MultiplyAdd(v0, w2, a10);
                a20 = TOps.MultiplyAdd(v0, w1, a20);
                a30 = TOps.MultiplyAdd(v0, w0, a30);
                v0 = TOps.And(TOps.Load(rows[4] + o), mask);
                a20 = TOps.MultiplyAdd(v0, w2, a20);
                a30 = TOps.MultiplyAdd(v0, w1, a30);
                v0 = TOps.And(TOps.Load(rows[5] + o), mask);
                a30 = TOps.MultiplyAdd(v0, w2, a30);
            }
        }
        else if (TKh.Value == 5)
        {
            for (int kx = 0; kx < kw; kx++)
            {
                float* wk = w + kx;
                TVec w0 = TOps.Broadcast(wk[0]), w1 = TOps.Broadcast(wk[kw]), w2 = TOps.Broadcast(wk[2 * kw]), w3 = TOps.Broadcast(wk[3 * kw]), w4 = TOps.Broadcast(wk[4 * kw]);
                nint o = columnOffsets[kx] + x;
                TVec v0, mask = TOps.Load(masks + (kx * TOps.Count));
                v0 = TOps.And(TOps.Load(rows[0] + o), mask);
                a00 = TOps.MultiplyAdd(v0, w0, a00);
                v0 = TOps.And(TOps.Load(rows[1] + o), mask);
                a00 = TOps.MultiplyAdd(v0, w1, a00);
                a10 = TOps.MultiplyAdd(v0, w0, a10);
                v0 = TOps.And(TOps.Load(rows[2] + o), mask);
                a00 = TOps.MultiplyAdd(v0, w2, a00);
                a10 = TOps.MultiplyAdd(v0, w1, a10);
                a20 = TOps.MultiplyAdd(v0, w0, a20);
                v0 = TOps.And(TOps.Load(rows[3] + o), mask);
                a00 = TOps.MultiplyAdd(v0, w3, a00);
                a10 = TOps.MultiplyAdd(v0, w2, a10);
                a20 = TOps.MultiplyAdd(v0, w1, a20);
                a30 = TOps.MultiplyAdd(v0, w0, a30);
                v0 = TOps.And(TOps.Load(rows[4] + o), mask);
                a00 = TOps.MultiplyAdd(v0, w4, a00);
                a10 = TOps.MultiplyAdd(v0, w3, a10);
                a20 = TOps.MultiplyAdd(v0, w2, a20);
                a30 = TOps.MultiplyAdd(v0, w1, a30);
                v0 = TOps.And(TOps.Load(rows[5] + o), mask);
                a10 = TOps.MultiplyAdd(v0, w4, a10);
                a20 = TOps.MultiplyAdd(v0, w3, a20);
                a30 = TOps.MultiplyAdd(v0, w2, a30);
                v0 = TOps.And(TOps.Load(rows[6] + o), mask);
                a20 = TOps.MultiplyAdd(v0, w4, a20);
                a30 = TOps.MultiplyAdd(v0, w3, a30);
                v0 = TOps.And(TOps.Load(rows[7] + o), mask);
                a30 = TOps.MultiplyAdd(v0, w4, a30);
            }
        }
        else
        {
            for (int kx = 0; kx < kw; kx++)
            {
                float* wk = w + kx;
                TVec w0 = TOps.Broadcast(wk[0]), w1 = TOps.Broadcast(wk[kw]), w2 = TOps.Broadcast(wk[2 * kw]), w3 = TOps.Broadcast(wk[3 * kw]), w4 = TOps.Broadcast(wk[4 * kw]), w5 = TOps.Broadcast(wk[5 * kw]), w6 = TOps.Broadcast(wk[6 * kw]);
                nint o = columnOffsets[kx] + x;
                TVec v0, mask = TOps.Load(masks + (kx * TOps.Count));
                v0 = TOps.And(TOps.Load(rows[0] + o), mask);
                a00 = TOps.MultiplyAdd(v0, w0, a00);
                v0 = TOps.And(TOps.Load(rows[1] + o), mask);
                a00 = TOps.MultiplyAdd(v0, w1, a00);
                a10 = TOps.MultiplyAdd(v0, w0, a10);
                v0 = TOps.And(TOps.Load(rows[2] + o), mask);
                a00 = TOps.MultiplyAdd(v0, w2, a00);
                a10 = TOps.MultiplyAdd(v0, w1, a10);
                a20 = TOps.MultiplyAdd(v0, w0, a20);
                v0 = TOps.And(TOps.Load(rows[3] + o), mask);
                a00 = TOps.MultiplyAdd(v0, w3, a00);
                a10 = TOps.MultiplyAdd(v0, w2, a10);
                a20 = TOps.MultiplyAdd(v0, w1, a20);
                a30 = TOps.MultiplyAdd(v0, w0, a30);
                v0 = TOps.And(TOps.Load(rows[4] + o), mask);
                a00 = TOps.MultiplyAdd(v0, w4, a00);
                a10 = TOps.MultiplyAdd(v0, w3, a10);
                a20 = TOps.MultiplyAdd(v0, w2, a20);
                a30 = TOps.MultiplyAdd(v0, w1, a30);
                v0 = TOps.And(TOps.Load(rows[5] + o), mask);
                a00 = TOps.MultiplyAdd(v0, w5, a00);
                a10 = TOps.MultiplyAdd(v0, w4, a10);
                a20 = TOps.MultiplyAdd(v0, w3, a20);
                a30 = TOps.MultiplyAdd(v0, w2, a30);
                v0 = TOps.And(TOps.Load(rows[6] + o), mask);
                a00 = TOps.MultiplyAdd(v0, w6, a00);
                a10 = TOps.MultiplyAdd(v0, w5, a10);
                a20 = TOps.MultiplyAdd(v0, w4, a20);
                a30 = TOps.MultiplyAdd(v0, w3, a30);
                v0 = TOps.And(TOps.Load(rows[7] + o), mask);
                a10 = TOps.MultiplyAdd(v0, w6, a10);
                a20 = TOps.MultiplyAdd(v0, w5, a20);
                a30 = TOps.MultiplyAdd(v0, w4, a30);
                v0 = TOps.And(TOps.Load(rows[8] + o), mask);
                a20 = TOps.MultiplyAdd(v0, w6, a20);
                a30 = TOps.MultiplyAdd(v0, w5, a30);
                v0 = TOps.And(TOps.Load(rows[9] + o), mask);
                a30 = TOps.MultiplyAdd(v0, w6, a30);
            }
        }

        r0 = a00;
        r1 = a10;
        r2 = a20;
        r3 = a30;
    }

    /// <summary>
    /// <see cref="Rows4x1Masked{TOps, TVec, TKh}"/> at both edges of a padded row at once: the left edge's
    /// vector at column 0 (<paramref name="leftMasks"/>) and the right edge's at <paramref name="right"/>
    /// (<paramref name="rightMasks"/>), sharing each kernel column's broadcasts. One edge alone is four
    /// chains of kh * kw dependent FMAs, which run at half the FMA rate of a two-pipe core; the two
    /// edges together are eight chains. Each output's sum runs in the same order as there, so the
    /// results are the same to the bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Rows4x2Masked<TOps, TVec, TKh>(float** rows, int kw, float* w, nint* columnOffsets, float* leftMasks, float* rightMasks, float* dst, nint dstStride, nint right, TVec bias, bool accumulate)
        where TOps : IVectorOps<TVec>
        where TVec : struct
        where TKh : IKernelHeight
    {
        TVec a00, a10, a20, a30, b00, b10, b20, b30;
        if (accumulate)
        {
            a00 = TOps.Load(dst);
            a10 = TOps.Load(dst + dstStride);
            a20 = TOps.Load(dst + (2 * dstStride));
            a30 = TOps.Load(dst + (3 * dstStride));
            b00 = TOps.Load(dst + right);
            b10 = TOps.Load(dst + dstStride + right);
            b20 = TOps.Load(dst + (2 * dstStride) + right);
            b30 = TOps.Load(dst + (3 * dstStride) + right);
        }
        else
        {
            a00 = a10 = a20 = a30 = b00 = b10 = b20 = b30 = bias;
        }

        if (TKh.Value == 3)
        {
            for (int kx = 0; kx < kw; kx++)
            {
                float* wk = w + kx;
                TVec w0 = TOps.Broadcast(wk[0]), w1 = TOps.Broadcast(wk[kw]), w2 = TOps.Broadcast(wk[2 * kw]);
                nint o = columnOffsets[kx];
                TVec v0, u0, mask = TOps.Load(leftMasks + (kx * TOps.Count)), rightMask = TOps.Load(rightMasks + (kx * TOps.Count));
                v0 = TOps.And(TOps.Load(rows[0] + o), mask);
                u0 = TOps.And(TOps.Load(rows[0] + o + right), rightMask);
                a00 = TOps.MultiplyAdd(v0, w0, a00);
                b00 = TOps.MultiplyAdd(u0, w0, b00);
                v0 = TOps.And(TOps.Load(rows[1] + o), mask);
                u0 = TOps.And(TOps.Load(rows[1] + o + right), rightMask);
                a00 = TOps.MultiplyAdd(v0, w1, a00);
                b00 = TOps.MultiplyAdd(u0, w1, b00);
                a10 = TOps.MultiplyAdd(v0, w0, a10);
                b10 = TOps.MultiplyAdd(u0, w0, b10);
                v0 = TOps.And(TOps.Load(rows[2] + o), mask);
                u0 = TOps.And(TOps.Load(rows[2] + o + right), rightMask);
                a00 = TOps.MultiplyAdd(v0, w2, a00);
                b00 = TOps.MultiplyAdd(u0, w2, b00);
                a10 = TOps.MultiplyAdd(v0, w1, a10);
                b10 = TOps.MultiplyAdd(u0, w1, b10);
                a20 = TOps.MultiplyAdd(v0, w0, a20);
                b20 = TOps.MultiplyAdd(u0, w0, b20);
                v0 = TOps.And(TOps.Load(rows[3] + o), mask);
                u0 = TOps.And(TOps.Load(rows[3] + o + right), rightMask);
                a10 = TOps.MultiplyAdd(v0, w2, a10);
                b10 = TOps.MultiplyAdd(u0, w2, b10);
                a20 = TOps.MultiplyAdd(v0, w1, a20);
                b20 = TOps.MultiplyAdd(u0, w1, b20);
                a30 = TOps.MultiplyAdd(v0, w0, a30);
                b30 = TOps.MultiplyAdd(u0, w0, b30);
                v0 = TOps.And(TOps.Load(rows[4] + o), mask);
                u0 = TOps.And(TOps.Load(rows[4] + o + right), rightMask);
                a20 = TOps.MultiplyAdd(v0, w2, a20);
                b20 = TOps.MultiplyAdd(u0, w2, b20);
                a30 = TOps.MultiplyAdd(v0, w1, a30);
                b30 = TOps.MultiplyAdd(u0, w1, b30);
                v0 = TOps.And(TOps.Load(rows[5] + o), mask);
                u0 = TOps.And(TOps.Load(rows[5] + o + right), rightMask);
                a30 = TOps.MultiplyAdd(v0, w2, a30);
                b30 = TOps.MultiplyAdd(u0, w2, b30);
            }
        }
        else if (TKh.Value == 5)
        {
            for (int kx = 0; kx < kw; kx++)
            {
                float* wk = w + kx;
                TVec w0 = TOps.Broadcast(wk[0]), w1 = TOps.Broadcast(wk[kw]), w2 = TOps.Broadcast(wk[2 * kw]), w3 = TOps.Broadcast(wk[3 * kw]), w4 = TOps.Broadcast(wk[4 * kw]);
                nint o = columnOffsets[kx];
                TVec v0, u0, mask = TOps.Load(leftMasks + (kx * TOps.Count)), rightMask = TOps.Load(rightMasks + (kx * TOps.Count));
                v0 = TOps.And(TOps.Load(rows[0] + o), mask);
                u0 = TOps.And(TOps.Load(rows[0] + o + right), rightMask);
                a00 = TOps.MultiplyAdd(v0, w0, a00);
                b00 = TOps.MultiplyAdd(u0, w0, b00);
                v0 = TOps.And(TOps.Load(rows[1] + o), mask);
                u0 = TOps.And(TOps.Load(rows[1] + o + right), rightMask);
                a00 = TOps.MultiplyAdd(v0, w1, a00);
                b00 = TOps.MultiplyAdd(u0, w1, b00);
                a10 = TOps.MultiplyAdd(v0, w0, a10);
                b10 = TOps.MultiplyAdd(u0, w0, b10);
                v0 = TOps.And(TOps.Load(rows[2] + o), mask);
                u0 = TOps.And(TOps.Load(rows[2] + o + right), rightMask);
                a00 = TOps.MultiplyAdd(v0, w2, a00);
                b00 = TOps.MultiplyAdd(u0, w2, b00);
                a10 = TOps.MultiplyAdd(v0, w1, a10);
                b10 = TOps.MultiplyAdd(u0, w1, b10);
                a20 = TOps.MultiplyAdd(v0, w0, a20);
                b20 = TOps.MultiplyAdd(u0, w0, b20);
                v0 = TOps.And(TOps.Load(rows[3] + o), mask);
                u0 = TOps.And(TOps.Load(rows[3] + o + right), rightMask);
                a00 = TOps.MultiplyAdd(v0, w3, a00);
                b00 = TOps.MultiplyAdd(u0, w3, b00);
                a10 = TOps.MultiplyAdd(v0, w2, a10);
                b10 = TOps.MultiplyAdd(u0, w2, b10);
                a20 = TOps.MultiplyAdd(v0, w1, a20);
                b20 = TOps.MultiplyAdd(u0, w1, b20);
                a30 = TOps.MultiplyAdd(v0, w0, a30);
                b30 = TOps.MultiplyAdd(u0, w0, b30);
                v0 = TOps.And(TOps.Load(rows[4] + o), mask);
                u0 = TOps.And(TOps.Load(rows[4] + o + right), rightMask);
                a00 = TOps.MultiplyAdd(v0, w4, a00);
                b00 = TOps.MultiplyAdd(u0, w4, b00);
                a10 = TOps.MultiplyAdd(v0, w3, a10);
                b10 = TOps.MultiplyAdd(u0, w3, b10);
                a20 = TOps.MultiplyAdd(v0, w2, a20);
                b20 = TOps.MultiplyAdd(u0, w2, b20);
                a30 = TOps.MultiplyAdd(v0, w1, a30);
                b30 = TOps.MultiplyAdd(u0, w1, b30);
                v0 = TOps.And(TOps.Load(rows[5] + o), mask);
                u0 = TOps.And(TOps.Load(rows[5] + o + right), rightMask);
                a10 = TOps.MultiplyAdd(v0, w4, a10);
                b10 = TOps.MultiplyAdd(u0, w4, b10);
                a20 = TOps.MultiplyAdd(v0, w3, a20);
                b20 = TOps.MultiplyAdd(u0, w3, b20);
                a30 = TOps.MultiplyAdd(v0, w2, a30);
                b30 = TOps.MultiplyAdd(u0, w2, b30);
                v0 = TOps.And(TOps.Load(rows[6] + o), mask);
                u0 = TOps.And(TOps.Load(rows[6] + o + right), rightMask);
                a20 = TOps.MultiplyAdd(v0, w4, a20);
                b20 = TOps.MultiplyAdd(u0, w4, b20);
                a30 = TOps.MultiplyAdd(v0, w3, a30);
                b30 = TOps.MultiplyAdd(u0, w3, b30);
                v0 = TOps.And(TOps.Load(rows[7] + o), mask);
                u0 = TOps.And(TOps.Load(rows[7] + o + right), rightMask);
                a30 = TOps.MultiplyAdd(v0, w4, a30);
                b30 = TOps.MultiplyAdd(u0, w4, b30);
            }
        }
        else
        {
            for (int kx = 0; kx < kw; kx++)
            {
                float* wk = w + kx;
                TVec w0 = TOps.Broadcast(wk[0]), w1 = TOps.Broadcast(wk[kw]), w2 = TOps.Broadcast(wk[2 * kw]), w3 = TOps.Broadcast(wk[3 * kw]), w4 = TOps.Broadcast(wk[4 * kw]), w5 = TOps.Broadcast(wk[5 * kw]), w6 = TOps.Broadcast(wk[6 * kw]);
                nint o = columnOffsets[kx];
                TVec v0, u0, mask = TOps.Load(leftMasks + (kx * TOps.Count)), rightMask = TOps.Load(rightMasks + (kx * TOps.Count));
                v0 = TOps.And(TOps.Load(rows[0] + o), mask);
                u0 = TOps.And(TOps.Load(rows[0] + o + right), rightMask);
                a00 = TOps.MultiplyAdd(v0, w0, a00);
                b00 = TOps.MultiplyAdd(u0, w0, b00);
                v0 = TOps.And(TOps.Load(rows[1] + o), mask);
                u0 = TOps.And(TOps.Load(rows[1] + o + right), rightMask);
                a00 = TOps.MultiplyAdd(v0, w1, a00);
                b00 = TOps.MultiplyAdd(u0, w1, b00);
                a10 = TOps.MultiplyAdd(v0, w0, a10);
                b10 = TOps.MultiplyAdd(u0, w0, b10);
                v0 = TOps.And(TOps.Load(rows[2] + o), mask);
                u0 = TOps.And(TOps.Load(rows[2] + o + right), rightMask);
                a00 = TOps.MultiplyAdd(v0, w2, a00);
                b00 = TOps.MultiplyAdd(u0, w2, b00);
                a10 = TOps.MultiplyAdd(v0, w1, a10);
                b10 = TOps.MultiplyAdd(u0, w1, b10);
                a20 = TOps.MultiplyAdd(v0, w0, a20);
                b20 = TOps.MultiplyAdd(u0, w0, b20);
                v0 = TOps.And(TOps.Load(rows[3] + o), mask);
                u0 = TOps.And(TOps.Load(rows[3] + o + right), rightMask);
                a00 = TOps.MultiplyAdd(v0, w3, a00);
                b00 = TOps.MultiplyAdd(u0, w3, b00);
                a10 = TOps.MultiplyAdd(v0, w2, a10);
                b10 = TOps.MultiplyAdd(u0, w2, b10);
                a20 = TOps.MultiplyAdd(v0, w1, a20);
                b20 = TOps.MultiplyAdd(u0, w1, b20);
                a30 = TOps.MultiplyAdd(v0, w0, a30);
                b30 = TOps.MultiplyAdd(u0, w0, b30);
                v0 = TOps.And(TOps.Load(rows[4] + o), mask);
                u0 = TOps.And(TOps.Load(rows[4] + o + right), rightMask);
                a00 = TOps.MultiplyAdd(v0, w4, a00);
                b00 = TOps.MultiplyAdd(u0, w4, b00);
                a10 = TOps.MultiplyAdd(v0, w3, a10);
                b10 = TOps.MultiplyAdd(u0, w3, b10);
                a20 = TOps.MultiplyAdd(v0, w2, a20);
                b20 = TOps.MultiplyAdd(u0, w2, b20);
                a30 = TOps.MultiplyAdd(v0, w1, a30);
                b30 = TOps.MultiplyAdd(u0, w1, b30);
                v0 = TOps.And(TOps.Load(rows[5] + o), mask);
                u0 = TOps.And(TOps.Load(rows[5] + o + right), rightMask);
                a00 = TOps.MultiplyAdd(v0, w5, a00);
                b00 = TOps.MultiplyAdd(u0, w5, b00);
                a10 = TOps.MultiplyAdd(v0, w4, a10);
                b10 = TOps.MultiplyAdd(u0, w4, b10);
                a20 = TOps.MultiplyAdd(v0, w3, a20);
                b20 = TOps.MultiplyAdd(u0, w3, b20);
                a30 = TOps.MultiplyAdd(v0, w2, a30);
                b30 = TOps.MultiplyAdd(u0, w2, b30);
                v0 = TOps.And(TOps.Load(rows[6] + o), mask);
                u0 = TOps.And(TOps.Load(rows[6] + o + right), rightMask);
                a00 = TOps.MultiplyAdd(v0, w6, a00);
                b00 = TOps.MultiplyAdd(u0, w6, b00);
                a10 = TOps.MultiplyAdd(v0, w5, a10);
                b10 = TOps.MultiplyAdd(u0, w5, b10);
                a20 = TOps.MultiplyAdd(v0, w4, a20);
                b20 = TOps.MultiplyAdd(u0, w4, b20);
                a30 = TOps.MultiplyAdd(v0, w3, a30);
                b30 = TOps.MultiplyAdd(u0, w3, b30);
                v0 = TOps.And(TOps.Load(rows[7] + o), mask);
                u0 = TOps.And(TOps.Load(rows[7] + o + right), rightMask);
                a10 = TOps.MultiplyAdd(v0, w6, a10);
                b10 = TOps.MultiplyAdd(u0, w6, b10);
                a20 = TOps.MultiplyAdd(v0, w5, a20);
                b20 = TOps.MultiplyAdd(u0, w5, b20);
                a30 = TOps.MultiplyAdd(v0, w4, a30);
                b30 = TOps.MultiplyAdd(u0, w4, b30);
                v0 = TOps.And(TOps.Load(rows[8] + o), mask);
                u0 = TOps.And(TOps.Load(rows[8] + o + right), rightMask);
                a20 = TOps.MultiplyAdd(v0, w6, a20);
                b20 = TOps.MultiplyAdd(u0, w6, b20);
                a30 = TOps.MultiplyAdd(v0, w5, a30);
                b30 = TOps.MultiplyAdd(u0, w5, b30);
                v0 = TOps.And(TOps.Load(rows[9] + o), mask);
                u0 = TOps.And(TOps.Load(rows[9] + o + right), rightMask);
                a30 = TOps.MultiplyAdd(v0, w6, a30);
                b30 = TOps.MultiplyAdd(u0, w6, b30);
            }
        }

        TOps.Store(a00, dst);
        TOps.Store(a10, dst + dstStride);
        TOps.Store(a20, dst + (2 * dstStride));
        TOps.Store(a30, dst + (3 * dstStride));
        TOps.Store(b00, dst + right);
        TOps.Store(b10, dst + dstStride + right);
        TOps.Store(b20, dst + (2 * dstStride) + right);
        TOps.Store(b30, dst + (3 * dstStride) + right);
    }
}
