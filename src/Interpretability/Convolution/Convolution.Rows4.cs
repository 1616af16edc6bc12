using System.Runtime.CompilerServices;

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
/// Loop: kernel column <c>kx</c> outside (its <c>kh</c> weights broadcast once into registers), input
/// rows unrolled inside. Accumulators: 4 rows x 2 vectors = 8 independent chains; registers:
/// 8 + kh + 2 &lt;= 17. Scalar equivalent: <c>out[y + i][x] = bias + sum_ky sum_kx w[ky, kx] * rows[i + ky][x + colOffset[kx]]</c>.
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
    /// Output rows <c>dst + i * dstStride</c>, i in [0, 4), from input rows <c>rows[0 .. kh + 2]</c>;
    /// same block structure as <see cref="ConvolveRow"/> (overlapping last vector, accumulate mode).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void ConvolveRows4<TOps, TVec, TKh>(float** rows, int kw, float* w, nint* columnOffsets, float* dst, nint dstStride, int width, float bias, bool accumulate)
        where TOps : IVectorOps<TVec>
        where TVec : struct
        where TKh : IKernelHeight
    {
        nint v = TOps.Count;
        nint n = width;
        TVec biasVector = TOps.Broadcast(bias);
        bool ragged = n % v != 0;
        TVec last0 = default, last1 = default, last2 = default, last3 = default;
        if (ragged)
        {
            // Computed first, stored last: see ConvolveRow.
            Rows4x1<TOps, TVec, TKh>(rows, kw, w, columnOffsets, dst, dstStride, n - v, biasVector, accumulate, out last0, out last1, out last2, out last3);
        }

        nint x = 0;
        for (; x <= n - (2 * v); x += 2 * v)
        {
            Rows4x2<TOps, TVec, TKh>(rows, kw, w, columnOffsets, dst, dstStride, x, biasVector, accumulate);
        }

        if (x <= n - v)
        {
            Rows4x1<TOps, TVec, TKh>(rows, kw, w, columnOffsets, dst, dstStride, x, biasVector, accumulate, out var r0, out var r1, out var r2, out var r3);
            TOps.Store(r0, dst + x);
            TOps.Store(r1, dst + dstStride + x);
            TOps.Store(r2, dst + (2 * dstStride) + x);
            TOps.Store(r3, dst + (3 * dstStride) + x);
        }

        if (ragged)
        {
            TOps.Store(last0, dst + n - v);
            TOps.Store(last1, dst + dstStride + n - v);
            TOps.Store(last2, dst + (2 * dstStride) + n - v);
            TOps.Store(last3, dst + (3 * dstStride) + n - v);
        }
    }


    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Rows4x2<TOps, TVec, TKh>(float** rows, int kw, float* w, nint* columnOffsets, float* dst, nint dstStride, nint x, TVec bias, bool accumulate)
        where TOps : IVectorOps<TVec>
        where TVec : struct
        where TKh : IKernelHeight
    {
        nint v = TOps.Count;
        TVec a00, a01, a10, a11, a20, a21, a30, a31;
        if (accumulate)
        {
            a00 = TOps.Load(dst + x);
            a01 = TOps.Load(dst + x + v);
            a10 = TOps.Load(dst + dstStride + x);
            a11 = TOps.Load(dst + dstStride + x + v);
            a20 = TOps.Load(dst + (2 * dstStride) + x);
            a21 = TOps.Load(dst + (2 * dstStride) + x + v);
            a30 = TOps.Load(dst + (3 * dstStride) + x);
            a31 = TOps.Load(dst + (3 * dstStride) + x + v);
        }
        else
        {
            a00 = a01 = a10 = a11 = a20 = a21 = a30 = a31 = bias;
        }

        if (TKh.Value == 3)
        {
            for (int kx = 0; kx < kw; kx++)
            {
                float* wk = w + kx;
                TVec w0 = TOps.Broadcast(wk[0]), w1 = TOps.Broadcast(wk[kw]), w2 = TOps.Broadcast(wk[2 * kw]);
                nint o = columnOffsets[kx] + x;
                TVec v0, v1;
                v0 = TOps.Load(rows[0] + o);
                v1 = TOps.Load(rows[0] + o + v);
                a00 = TOps.MultiplyAdd(v0, w0, a00);
                a01 = TOps.MultiplyAdd(v1, w0, a01);
                v0 = TOps.Load(rows[1] + o);
                v1 = TOps.Load(rows[1] + o + v);
                a00 = TOps.MultiplyAdd(v0, w1, a00);
                a01 = TOps.MultiplyAdd(v1, w1, a01);
                a10 = TOps.MultiplyAdd(v0, w0, a10);
                a11 = TOps.MultiplyAdd(v1, w0, a11);
                v0 = TOps.Load(rows[2] + o);
                v1 = TOps.Load(rows[2] + o + v);
                a00 = TOps.MultiplyAdd(v0, w2, a00);
                a01 = TOps.MultiplyAdd(v1, w2, a01);
                a10 = TOps.MultiplyAdd(v0, w1, a10);
                a11 = TOps.MultiplyAdd(v1, w1, a11);
                a20 = TOps.MultiplyAdd(v0, w0, a20);
                a21 = TOps.MultiplyAdd(v1, w0, a21);
                v0 = TOps.Load(rows[3] + o);
                v1 = TOps.Load(rows[3] + o + v);
                a10 = TOps.MultiplyAdd(v0, w2, a10);
                a11 = TOps.MultiplyAdd(v1, w2, a11);
                a20 = TOps.MultiplyAdd(v0, w1, a20);
                a21 = TOps.MultiplyAdd(v1, w1, a21);
                a30 = TOps.MultiplyAdd(v0, w0, a30);
                a31 = TOps.MultiplyAdd(v1, w0, a31);
                v0 = TOps.Load(rows[4] + o);
                v1 = TOps.Load(rows[4] + o + v);
                a20 = TOps.MultiplyAdd(v0, w2, a20);
                a21 = TOps.MultiplyAdd(v1, w2, a21);
                a30 = TOps.MultiplyAdd(v0, w1, a30);
                a31 = TOps.MultiplyAdd(v1, w1, a31);
                v0 = TOps.Load(rows[5] + o);
                v1 = TOps.Load(rows[5] + o + v);
                a30 = TOps.MultiplyAdd(v0, w2, a30);
                a31 = TOps.MultiplyAdd(v1, w2, a31);
            }
        }
        else if (TKh.Value == 5)
        {
            for (int kx = 0; kx < kw; kx++)
            {
                float* wk = w + kx;
                TVec w0 = TOps.Broadcast(wk[0]), w1 = TOps.Broadcast(wk[kw]), w2 = TOps.Broadcast(wk[2 * kw]), w3 = TOps.Broadcast(wk[3 * kw]), w4 = TOps.Broadcast(wk[4 * kw]);
                nint o = columnOffsets[kx] + x;
                TVec v0, v1;
                v0 = TOps.Load(rows[0] + o);
                v1 = TOps.Load(rows[0] + o + v);
                a00 = TOps.MultiplyAdd(v0, w0, a00);
                a01 = TOps.MultiplyAdd(v1, w0, a01);
                v0 = TOps.Load(rows[1] + o);
                v1 = TOps.Load(rows[1] + o + v);
                a00 = TOps.MultiplyAdd(v0, w1, a00);
                a01 = TOps.MultiplyAdd(v1, w1, a01);
                a10 = TOps.MultiplyAdd(v0, w0, a10);
                a11 = TOps.MultiplyAdd(v1, w0, a11);
                v0 = TOps.Load(rows[2] + o);
                v1 = TOps.Load(rows[2] + o + v);
                a00 = TOps.MultiplyAdd(v0, w2, a00);
                a01 = TOps.MultiplyAdd(v1, w2, a01);
                a10 = TOps.MultiplyAdd(v0, w1, a10);
                a11 = TOps.MultiplyAdd(v1, w1, a11);
                a20 = TOps.MultiplyAdd(v0, w0, a20);
                a21 = TOps.MultiplyAdd(v1, w0, a21);
                v0 = TOps.Load(rows[3] + o);
                v1 = TOps.Load(rows[3] + o + v);
                a00 = TOps.MultiplyAdd(v0, w3, a00);
                a01 = TOps.MultiplyAdd(v1, w3, a01);
                a10 = TOps.MultiplyAdd(v0, w2, a10);
                a11 = TOps.MultiplyAdd(v1, w2, a11);
                a20 = TOps.MultiplyAdd(v0, w1, a20);
                a21 = TOps.MultiplyAdd(v1, w1, a21);
                a30 = TOps.MultiplyAdd(v0, w0, a30);
                a31 = TOps.MultiplyAdd(v1, w0, a31);
                v0 = TOps.Load(rows[4] + o);
                v1 = TOps.Load(rows[4] + o + v);
                a00 = TOps.MultiplyAdd(v0, w4, a00);
                a01 = TOps.MultiplyAdd(v1, w4, a01);
                a10 = TOps.MultiplyAdd(v0, w3, a10);
                a11 = TOps.MultiplyAdd(v1, w3, a11);
                a20 = TOps.MultiplyAdd(v0, w2, a20);
                a21 = TOps.MultiplyAdd(v1, w2, a21);
                a30 = TOps.MultiplyAdd(v0, w1, a30);
                a31 = TOps.MultiplyAdd(v1, w1, a31);
                v0 = TOps.Load(rows[5] + o);
                v1 = TOps.Load(rows[5] + o + v);
                a10 = TOps.MultiplyAdd(v0, w4, a10);
                a11 = TOps.MultiplyAdd(v1, w4, a11);
                a20 = TOps.MultiplyAdd(v0, w3, a20);
                a21 = TOps.MultiplyAdd(v1, w3, a21);
                a30 = TOps.MultiplyAdd(v0, w2, a30);
                a31 = TOps.MultiplyAdd(v1, w2, a31);
                v0 = TOps.Load(rows[6] + o);
                v1 = TOps.Load(rows[6] + o + v);
                a20 = TOps.MultiplyAdd(v0, w4, a20);
                a21 = TOps.MultiplyAdd(v1, w4, a21);
                a30 = TOps.MultiplyAdd(v0, w3, a30);
                a31 = TOps.MultiplyAdd(v1, w3, a31);
                v0 = TOps.Load(rows[7] + o);
                v1 = TOps.Load(rows[7] + o + v);
                a30 = TOps.MultiplyAdd(v0, w4, a30);
                a31 = TOps.MultiplyAdd(v1, w4, a31);
            }
        }
        else
        {
            for (int kx = 0; kx < kw; kx++)
            {
                float* wk = w + kx;
                TVec w0 = TOps.Broadcast(wk[0]), w1 = TOps.Broadcast(wk[kw]), w2 = TOps.Broadcast(wk[2 * kw]), w3 = TOps.Broadcast(wk[3 * kw]), w4 = TOps.Broadcast(wk[4 * kw]), w5 = TOps.Broadcast(wk[5 * kw]), w6 = TOps.Broadcast(wk[6 * kw]);
                nint o = columnOffsets[kx] + x;
                TVec v0, v1;
                v0 = TOps.Load(rows[0] + o);
                v1 = TOps.Load(rows[0] + o + v);
                a00 = TOps.MultiplyAdd(v0, w0, a00);
                a01 = TOps.MultiplyAdd(v1, w0, a01);
                v0 = TOps.Load(rows[1] + o);
                v1 = TOps.Load(rows[1] + o + v);
                a00 = TOps.MultiplyAdd(v0, w1, a00);
                a01 = TOps.MultiplyAdd(v1, w1, a01);
                a10 = TOps.MultiplyAdd(v0, w0, a10);
                a11 = TOps.MultiplyAdd(v1, w0, a11);
                v0 = TOps.Load(rows[2] + o);
                v1 = TOps.Load(rows[2] + o + v);
                a00 = TOps.MultiplyAdd(v0, w2, a00);
                a01 = TOps.MultiplyAdd(v1, w2, a01);
                a10 = TOps.MultiplyAdd(v0, w1, a10);
                a11 = TOps.MultiplyAdd(v1, w1, a11);
                a20 = TOps.MultiplyAdd(v0, w0, a20);
                a21 = TOps.MultiplyAdd(v1, w0, a21);
                v0 = TOps.Load(rows[3] + o);
                v1 = TOps.Load(rows[3] + o + v);
                a00 = TOps.MultiplyAdd(v0, w3, a00);
                a01 = TOps.MultiplyAdd(v1, w3, a01);
                a10 = TOps.MultiplyAdd(v0, w2, a10);
                a11 = TOps.MultiplyAdd(v1, w2, a11);
                a20 = TOps.MultiplyAdd(v0, w1, a20);
                a21 = TOps.MultiplyAdd(v1, w1, a21);
                a30 = TOps.MultiplyAdd(v0, w0, a30);
                a31 = TOps.MultiplyAdd(v1, w0, a31);
                v0 = TOps.Load(rows[4] + o);
                v1 = TOps.Load(rows[4] + o + v);
                a00 = TOps.MultiplyAdd(v0, w4, a00);
                a01 = TOps.MultiplyAdd(v1, w4, a01);
                a10 = TOps.MultiplyAdd(v0, w3, a10);
                a11 = TOps.MultiplyAdd(v1, w3, a11);
                a20 = TOps.MultiplyAdd(v0, w2, a20);
                a21 = TOps.MultiplyAdd(v1, w2, a21);
                a30 = TOps.MultiplyAdd(v0, w1, a30);
                a31 = TOps.MultiplyAdd(v1, w1, a31);
                v0 = TOps.Load(rows[5] + o);
                v1 = TOps.Load(rows[5] + o + v);
                a00 = TOps.MultiplyAdd(v0, w5, a00);
                a01 = TOps.MultiplyAdd(v1, w5, a01);
                a10 = TOps.MultiplyAdd(v0, w4, a10);
                a11 = TOps.MultiplyAdd(v1, w4, a11);
                a20 = TOps.MultiplyAdd(v0, w3, a20);
                a21 = TOps.MultiplyAdd(v1, w3, a21);
                a30 = TOps.MultiplyAdd(v0, w2, a30);
                a31 = TOps.MultiplyAdd(v1, w2, a31);
                v0 = TOps.Load(rows[6] + o);
                v1 = TOps.Load(rows[6] + o + v);
                a00 = TOps.MultiplyAdd(v0, w6, a00);
                a01 = TOps.MultiplyAdd(v1, w6, a01);
                a10 = TOps.MultiplyAdd(v0, w5, a10);
                a11 = TOps.MultiplyAdd(v1, w5, a11);
                a20 = TOps.MultiplyAdd(v0, w4, a20);
                a21 = TOps.MultiplyAdd(v1, w4, a21);
                a30 = TOps.MultiplyAdd(v0, w3, a30);
                a31 = TOps.MultiplyAdd(v1, w3, a31);
                v0 = TOps.Load(rows[7] + o);
                v1 = TOps.Load(rows[7] + o + v);
                a10 = TOps.MultiplyAdd(v0, w6, a10);
                a11 = TOps.MultiplyAdd(v1, w6, a11);
                a20 = TOps.MultiplyAdd(v0, w5, a20);
                a21 = TOps.MultiplyAdd(v1, w5, a21);
                a30 = TOps.MultiplyAdd(v0, w4, a30);
                a31 = TOps.MultiplyAdd(v1, w4, a31);
                v0 = TOps.Load(rows[8] + o);
                v1 = TOps.Load(rows[8] + o + v);
                a20 = TOps.MultiplyAdd(v0, w6, a20);
                a21 = TOps.MultiplyAdd(v1, w6, a21);
                a30 = TOps.MultiplyAdd(v0, w5, a30);
                a31 = TOps.MultiplyAdd(v1, w5, a31);
                v0 = TOps.Load(rows[9] + o);
                v1 = TOps.Load(rows[9] + o + v);
                a30 = TOps.MultiplyAdd(v0, w6, a30);
                a31 = TOps.MultiplyAdd(v1, w6, a31);
            }
        }

        TOps.Store(a00, dst + x);
        TOps.Store(a01, dst + x + v);
        TOps.Store(a10, dst + dstStride + x);
        TOps.Store(a11, dst + dstStride + x + v);
        TOps.Store(a20, dst + (2 * dstStride) + x);
        TOps.Store(a21, dst + (2 * dstStride) + x + v);
        TOps.Store(a30, dst + (3 * dstStride) + x);
        TOps.Store(a31, dst + (3 * dstStride) + x + v);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Rows4x1<TOps, TVec, TKh>(float** rows, int kw, float* w, nint* columnOffsets, float* dst, nint dstStride, nint x, TVec bias, bool accumulate, out TVec r0, out TVec r1, out TVec r2, out TVec r3)
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
                nint o = columnOffsets[kx] + x;
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
                nint o = columnOffsets[kx] + x;
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
}
