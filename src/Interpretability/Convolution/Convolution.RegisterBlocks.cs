using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Interpretability;

/// <summary>
/// 5x5 blocks on AVX-512 that load each input row once per block: a block of four output rows by
/// three vectors reads its eight input rows at columns 0, 16 and 32, builds the taps one to four
/// columns to the right of the first two vectors with <c>valignd</c>, loads those of the third, and
/// keeps the twelve sums in registers, the weights coming from memory as embedded broadcasts. The
/// generic four-row block (<see cref="ConvolveQuad"/>) loads every input row again for each of the
/// five kernel columns: 120 loads per block against 56 here.
/// </summary>
/// <remarks>
/// <para>
/// Each input row addresses the weights through its own pointer (<c>wq += z</c>, with <c>z</c> a zero
/// the JIT cannot see), so that common-subexpression elimination does not share one broadcast weight
/// between the rows that use it: shared, the 25 weights stayed live across the block, the JIT spilled
/// them and the tap vectors to the stack, and the time depended on where the stack sat (224x224 25.7
/// or 31 us, 1024x1024 525 to 709 us, from one process to the next). Check the disassembly after a
/// change: no zmm stack accesses in the loop.
/// </para>
/// <para>
/// Against the AVX2 rows that the lane count picked for every 5x5 row before (ties went to AVX2),
/// in one BenchmarkDotNet run (<c>FiveByFiveBench</c>): 1024x1024 743.3 -> 575.3 us, 2048x2048
/// 4.04 -> 2.84 ms, 512x512 142.6 -> 134.7 us, 300x300 49.1 -> 47.8 us. With a stopwatch on one
/// buffer the 1024x1024 placement penalty (output 56 B after the input modulo 4 KB against 2 KB)
/// nearly goes (fastest of 12, three processes): 538-545 against 522-534 us, where the AVX2 rows
/// took 695-713 against 582-596.
/// Narrower rows stay at AVX2 (<see cref="SimdWidths.FiveByFiveBlocksMinRow"/>), where 512-bit FMAs
/// run at half rate; at full rate, from <see cref="SimdWidths.FullRateFiveByFiveBlocksMinRow"/> outputs,
/// and padded planes up to <see cref="OctMaxRow"/> wide take the eight-row blocks instead
/// (<see cref="Oct5x5Blocks512"/>).
/// </para>
/// </remarks>
public static partial class Convolution
{
    /// <summary>
    /// Whether <see cref="ConvolveQuad"/> runs its three-vector blocks through
    /// <see cref="Quad5x5Blocks512"/>: AVX-512, a 5x5 kernel, and kernel columns one input column apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe bool UsesQuad5x5Blocks512<TVec, TKh>(int kw, nint* columnOffsets)
        where TVec : struct
        where TKh : IKernelHeight =>
        typeof(TVec) == typeof(Vector512<float>) && TKh.Value == 5 && kw == 5 && Avx512F.IsSupported && AdjacentColumns(columnOffsets, 5);

    /// <summary>Whether the first <paramref name="kw"/> kernel columns read input columns one apart (unit horizontal stride and dilation).</summary>
    private static unsafe bool AdjacentColumns(nint* columnOffsets, int kw)
    {
        for (int kx = 1; kx < kw; kx++)
        {
            if (columnOffsets[kx] != columnOffsets[0] + kx)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <paramref name="blocks"/> blocks of four output rows (<c>d0 + i * dstStride</c>) by 48 columns,
    /// block <c>b</c> at columns <c>48 * b</c> (right to left when <paramref name="backwards"/>), from
    /// input rows <c>rows[0 .. 7] + origin</c> (the first kernel column's offset) and the row-major 5x5
    /// kernel <paramref name="w"/>; starting from <paramref name="biasVector"/>, or from the
    /// destination's values when <paramref name="accumulate"/>. Reads no column past the last one
    /// the generic block reads (48 + 4 past the block's start).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static unsafe void Quad5x5Blocks512(float** rows, nint origin, float* w, float* d0, nint dstStride, nint blocks, Vector512<float> biasVector, bool accumulate, bool backwards)
    {
        float* q0 = rows[0] + origin, q1 = rows[1] + origin, q2 = rows[2] + origin, q3 = rows[3] + origin;
        float* q4 = rows[4] + origin, q5 = rows[5] + origin, q6 = rows[6] + origin, q7 = rows[7] + origin;
        nint z = blocks >> 62;
        for (nint b = 0; b < blocks; b++)
        {
            Quad5x5Block512(q0, q1, q2, q3, q4, q5, q6, q7, w, z, d0, dstStride, (backwards ? blocks - 1 - b : b) * 48, accumulate, biasVector);
        }
    }

    /// <summary>One block of <see cref="Quad5x5Blocks512"/> at column <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Quad5x5Block512(float* q0, float* q1, float* q2, float* q3, float* q4, float* q5, float* q6, float* q7, float* w, nint z, float* d0, nint dstStride, nint x, bool accumulate, Vector512<float> biasVector)
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

        float* p, wq = w;
        Vector512<float> x0, x1, x2, t0, t1, t2;

        // Input row 0 feeds output rows 0.
        p = q0 + x;
        wq += z;
        x0 = Vector512.Load(p);
        x1 = Vector512.Load(p + 16);
        x2 = Vector512.Load(p + 32);
        a00 = Vector512.MultiplyAddEstimate(x0, Vector512.Create(wq[0]), a00);
        a01 = Vector512.MultiplyAddEstimate(x1, Vector512.Create(wq[0]), a01);
        a02 = Vector512.MultiplyAddEstimate(x2, Vector512.Create(wq[0]), a02);
        t0 = Shifted(x0, x1, 1);
        t1 = Shifted(x1, x2, 1);
        t2 = Vector512.Load(p + 33);
        a00 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[1]), a00);
        a01 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[1]), a01);
        a02 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[1]), a02);
        t0 = Shifted(x0, x1, 2);
        t1 = Shifted(x1, x2, 2);
        t2 = Vector512.Load(p + 34);
        a00 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[2]), a00);
        a01 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[2]), a01);
        a02 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[2]), a02);
        t0 = Shifted(x0, x1, 3);
        t1 = Shifted(x1, x2, 3);
        t2 = Vector512.Load(p + 35);
        a00 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[3]), a00);
        a01 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[3]), a01);
        a02 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[3]), a02);
        t0 = Shifted(x0, x1, 4);
        t1 = Shifted(x1, x2, 4);
        t2 = Vector512.Load(p + 36);
        a00 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[4]), a00);
        a01 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[4]), a01);
        a02 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[4]), a02);

        // Input row 1 feeds output rows 1, 0.
        p = q1 + x;
        wq += z;
        x0 = Vector512.Load(p);
        x1 = Vector512.Load(p + 16);
        x2 = Vector512.Load(p + 32);
        a00 = Vector512.MultiplyAddEstimate(x0, Vector512.Create(wq[5]), a00);
        a01 = Vector512.MultiplyAddEstimate(x1, Vector512.Create(wq[5]), a01);
        a02 = Vector512.MultiplyAddEstimate(x2, Vector512.Create(wq[5]), a02);
        a10 = Vector512.MultiplyAddEstimate(x0, Vector512.Create(wq[0]), a10);
        a11 = Vector512.MultiplyAddEstimate(x1, Vector512.Create(wq[0]), a11);
        a12 = Vector512.MultiplyAddEstimate(x2, Vector512.Create(wq[0]), a12);
        t0 = Shifted(x0, x1, 1);
        t1 = Shifted(x1, x2, 1);
        t2 = Vector512.Load(p + 33);
        a00 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[6]), a00);
        a01 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[6]), a01);
        a02 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[6]), a02);
        a10 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[1]), a10);
        a11 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[1]), a11);
        a12 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[1]), a12);
        t0 = Shifted(x0, x1, 2);
        t1 = Shifted(x1, x2, 2);
        t2 = Vector512.Load(p + 34);
        a00 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[7]), a00);
        a01 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[7]), a01);
        a02 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[7]), a02);
        a10 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[2]), a10);
        a11 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[2]), a11);
        a12 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[2]), a12);
        t0 = Shifted(x0, x1, 3);
        t1 = Shifted(x1, x2, 3);
        t2 = Vector512.Load(p + 35);
        a00 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[8]), a00);
        a01 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[8]), a01);
        a02 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[8]), a02);
        a10 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[3]), a10);
        a11 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[3]), a11);
        a12 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[3]), a12);
        t0 = Shifted(x0, x1, 4);
        t1 = Shifted(x1, x2, 4);
        t2 = Vector512.Load(p + 36);
        a00 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[9]), a00);
        a01 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[9]), a01);
        a02 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[9]), a02);
        a10 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[4]), a10);
        a11 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[4]), a11);
        a12 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[4]), a12);

        // Input row 2 feeds output rows 2, 1, 0.
        p = q2 + x;
        wq += z;
        x0 = Vector512.Load(p);
        x1 = Vector512.Load(p + 16);
        x2 = Vector512.Load(p + 32);
        a00 = Vector512.MultiplyAddEstimate(x0, Vector512.Create(wq[10]), a00);
        a01 = Vector512.MultiplyAddEstimate(x1, Vector512.Create(wq[10]), a01);
        a02 = Vector512.MultiplyAddEstimate(x2, Vector512.Create(wq[10]), a02);
        a10 = Vector512.MultiplyAddEstimate(x0, Vector512.Create(wq[5]), a10);
        a11 = Vector512.MultiplyAddEstimate(x1, Vector512.Create(wq[5]), a11);
        a12 = Vector512.MultiplyAddEstimate(x2, Vector512.Create(wq[5]), a12);
        a20 = Vector512.MultiplyAddEstimate(x0, Vector512.Create(wq[0]), a20);
        a21 = Vector512.MultiplyAddEstimate(x1, Vector512.Create(wq[0]), a21);
        a22 = Vector512.MultiplyAddEstimate(x2, Vector512.Create(wq[0]), a22);
        t0 = Shifted(x0, x1, 1);
        t1 = Shifted(x1, x2, 1);
        t2 = Vector512.Load(p + 33);
        a00 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[11]), a00);
        a01 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[11]), a01);
        a02 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[11]), a02);
        a10 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[6]), a10);
        a11 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[6]), a11);
        a12 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[6]), a12);
        a20 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[1]), a20);
        a21 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[1]), a21);
        a22 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[1]), a22);
        t0 = Shifted(x0, x1, 2);
        t1 = Shifted(x1, x2, 2);
        t2 = Vector512.Load(p + 34);
        a00 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[12]), a00);
        a01 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[12]), a01);
        a02 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[12]), a02);
        a10 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[7]), a10);
        a11 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[7]), a11);
        a12 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[7]), a12);
        a20 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[2]), a20);
        a21 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[2]), a21);
        a22 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[2]), a22);
        t0 = Shifted(x0, x1, 3);
        t1 = Shifted(x1, x2, 3);
        t2 = Vector512.Load(p + 35);
        a00 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[13]), a00);
        a01 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[13]), a01);
        a02 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[13]), a02);
        a10 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[8]), a10);
        a11 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[8]), a11);
        a12 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[8]), a12);
        a20 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[3]), a20);
        a21 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[3]), a21);
        a22 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[3]), a22);
        t0 = Shifted(x0, x1, 4);
        t1 = Shifted(x1, x2, 4);
        t2 = Vector512.Load(p + 36);
        a00 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[14]), a00);
        a01 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[14]), a01);
        a02 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[14]), a02);
        a10 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[9]), a10);
        a11 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[9]), a11);
        a12 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[9]), a12);
        a20 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[4]), a20);
        a21 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[4]), a21);
        a22 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[4]), a22);

        // Input row 3 feeds output rows 3, 2, 1, 0.
        p = q3 + x;
        wq += z;
        x0 = Vector512.Load(p);
        x1 = Vector512.Load(p + 16);
        x2 = Vector512.Load(p + 32);
        a00 = Vector512.MultiplyAddEstimate(x0, Vector512.Create(wq[15]), a00);
        a01 = Vector512.MultiplyAddEstimate(x1, Vector512.Create(wq[15]), a01);
        a02 = Vector512.MultiplyAddEstimate(x2, Vector512.Create(wq[15]), a02);
        a10 = Vector512.MultiplyAddEstimate(x0, Vector512.Create(wq[10]), a10);
        a11 = Vector512.MultiplyAddEstimate(x1, Vector512.Create(wq[10]), a11);
        a12 = Vector512.MultiplyAddEstimate(x2, Vector512.Create(wq[10]), a12);
        a20 = Vector512.MultiplyAddEstimate(x0, Vector512.Create(wq[5]), a20);
        a21 = Vector512.MultiplyAddEstimate(x1, Vector512.Create(wq[5]), a21);
        a22 = Vector512.MultiplyAddEstimate(x2, Vector512.Create(wq[5]), a22);
        a30 = Vector512.MultiplyAddEstimate(x0, Vector512.Create(wq[0]), a30);
        a31 = Vector512.MultiplyAddEstimate(x1, Vector512.Create(wq[0]), a31);
        a32 = Vector512.MultiplyAddEstimate(x2, Vector512.Create(wq[0]), a32);
        t0 = Shifted(x0, x1, 1);
        t1 = Shifted(x1, x2, 1);
        t2 = Vector512.Load(p + 33);
        a00 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[16]), a00);
        a01 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[16]), a01);
        a02 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[16]), a02);
        a10 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[11]), a10);
        a11 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[11]), a11);
        a12 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[11]), a12);
        a20 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[6]), a20);
        a21 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[6]), a21);
        a22 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[6]), a22);
        a30 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[1]), a30);
        a31 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[1]), a31);
        a32 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[1]), a32);
        t0 = Shifted(x0, x1, 2);
        t1 = Shifted(x1, x2, 2);
        t2 = Vector512.Load(p + 34);
        a00 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[17]), a00);
        a01 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[17]), a01);
        a02 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[17]), a02);
        a10 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[12]), a10);
        a11 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[12]), a11);
        a12 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[12]), a12);
        a20 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[7]), a20);
        a21 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[7]), a21);
        a22 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[7]), a22);
        a30 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[2]), a30);
        a31 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[2]), a31);
        a32 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[2]), a32);
        t0 = Shifted(x0, x1, 3);
        t1 = Shifted(x1, x2, 3);
        t2 = Vector512.Load(p + 35);
        a00 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[18]), a00);
        a01 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[18]), a01);
        a02 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[18]), a02);
        a10 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[13]), a10);
        a11 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[13]), a11);
        a12 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[13]), a12);
        a20 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[8]), a20);
        a21 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[8]), a21);
        a22 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[8]), a22);
        a30 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[3]), a30);
        a31 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[3]), a31);
        a32 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[3]), a32);
        t0 = Shifted(x0, x1, 4);
        t1 = Shifted(x1, x2, 4);
        t2 = Vector512.Load(p + 36);
        a00 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[19]), a00);
        a01 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[19]), a01);
        a02 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[19]), a02);
        a10 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[14]), a10);
        a11 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[14]), a11);
        a12 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[14]), a12);
        a20 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[9]), a20);
        a21 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[9]), a21);
        a22 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[9]), a22);
        a30 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[4]), a30);
        a31 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[4]), a31);
        a32 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[4]), a32);

        // Input row 4 feeds output rows 3, 2, 1, 0.
        p = q4 + x;
        wq += z;
        x0 = Vector512.Load(p);
        x1 = Vector512.Load(p + 16);
        x2 = Vector512.Load(p + 32);
        a00 = Vector512.MultiplyAddEstimate(x0, Vector512.Create(wq[20]), a00);
        a01 = Vector512.MultiplyAddEstimate(x1, Vector512.Create(wq[20]), a01);
        a02 = Vector512.MultiplyAddEstimate(x2, Vector512.Create(wq[20]), a02);
        a10 = Vector512.MultiplyAddEstimate(x0, Vector512.Create(wq[15]), a10);
        a11 = Vector512.MultiplyAddEstimate(x1, Vector512.Create(wq[15]), a11);
        a12 = Vector512.MultiplyAddEstimate(x2, Vector512.Create(wq[15]), a12);
        a20 = Vector512.MultiplyAddEstimate(x0, Vector512.Create(wq[10]), a20);
        a21 = Vector512.MultiplyAddEstimate(x1, Vector512.Create(wq[10]), a21);
        a22 = Vector512.MultiplyAddEstimate(x2, Vector512.Create(wq[10]), a22);
        a30 = Vector512.MultiplyAddEstimate(x0, Vector512.Create(wq[5]), a30);
        a31 = Vector512.MultiplyAddEstimate(x1, Vector512.Create(wq[5]), a31);
        a32 = Vector512.MultiplyAddEstimate(x2, Vector512.Create(wq[5]), a32);
        t0 = Shifted(x0, x1, 1);
        t1 = Shifted(x1, x2, 1);
        t2 = Vector512.Load(p + 33);
        a00 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[21]), a00);
        a01 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[21]), a01);
        a02 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[21]), a02);
        a10 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[16]), a10);
        a11 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[16]), a11);
        a12 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[16]), a12);
        a20 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[11]), a20);
        a21 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[11]), a21);
        a22 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[11]), a22);
        a30 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[6]), a30);
        a31 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[6]), a31);
        a32 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[6]), a32);
        t0 = Shifted(x0, x1, 2);
        t1 = Shifted(x1, x2, 2);
        t2 = Vector512.Load(p + 34);
        a00 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[22]), a00);
        a01 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[22]), a01);
        a02 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[22]), a02);
        a10 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[17]), a10);
        a11 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[17]), a11);
        a12 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[17]), a12);
        a20 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[12]), a20);
        a21 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[12]), a21);
        a22 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[12]), a22);
        a30 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[7]), a30);
        a31 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[7]), a31);
        a32 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[7]), a32);
        t0 = Shifted(x0, x1, 3);
        t1 = Shifted(x1, x2, 3);
        t2 = Vector512.Load(p + 35);
        a00 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[23]), a00);
        a01 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[23]), a01);
        a02 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[23]), a02);
        a10 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[18]), a10);
        a11 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[18]), a11);
        a12 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[18]), a12);
        a20 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[13]), a20);
        a21 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[13]), a21);
        a22 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[13]), a22);
        a30 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[8]), a30);
        a31 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[8]), a31);
        a32 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[8]), a32);
        t0 = Shifted(x0, x1, 4);
        t1 = Shifted(x1, x2, 4);
        t2 = Vector512.Load(p + 36);
        a00 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[24]), a00);
        a01 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[24]), a01);
        a02 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[24]), a02);
        a10 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[19]), a10);
        a11 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[19]), a11);
        a12 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[19]), a12);
        a20 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[14]), a20);
        a21 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[14]), a21);
        a22 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[14]), a22);
        a30 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[9]), a30);
        a31 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[9]), a31);
        a32 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[9]), a32);

        // Input row 5 feeds output rows 3, 2, 1.
        p = q5 + x;
        wq += z;
        x0 = Vector512.Load(p);
        x1 = Vector512.Load(p + 16);
        x2 = Vector512.Load(p + 32);
        a10 = Vector512.MultiplyAddEstimate(x0, Vector512.Create(wq[20]), a10);
        a11 = Vector512.MultiplyAddEstimate(x1, Vector512.Create(wq[20]), a11);
        a12 = Vector512.MultiplyAddEstimate(x2, Vector512.Create(wq[20]), a12);
        a20 = Vector512.MultiplyAddEstimate(x0, Vector512.Create(wq[15]), a20);
        a21 = Vector512.MultiplyAddEstimate(x1, Vector512.Create(wq[15]), a21);
        a22 = Vector512.MultiplyAddEstimate(x2, Vector512.Create(wq[15]), a22);
        a30 = Vector512.MultiplyAddEstimate(x0, Vector512.Create(wq[10]), a30);
        a31 = Vector512.MultiplyAddEstimate(x1, Vector512.Create(wq[10]), a31);
        a32 = Vector512.MultiplyAddEstimate(x2, Vector512.Create(wq[10]), a32);
        t0 = Shifted(x0, x1, 1);
        t1 = Shifted(x1, x2, 1);
        t2 = Vector512.Load(p + 33);
        a10 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[21]), a10);
        a11 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[21]), a11);
        a12 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[21]), a12);
        a20 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[16]), a20);
        a21 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[16]), a21);
        a22 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[16]), a22);
        a30 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[11]), a30);
        a31 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[11]), a31);
        a32 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[11]), a32);
        t0 = Shifted(x0, x1, 2);
        t1 = Shifted(x1, x2, 2);
        t2 = Vector512.Load(p + 34);
        a10 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[22]), a10);
        a11 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[22]), a11);
        a12 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[22]), a12);
        a20 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[17]), a20);
        a21 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[17]), a21);
        a22 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[17]), a22);
        a30 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[12]), a30);
        a31 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[12]), a31);
        a32 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[12]), a32);
        t0 = Shifted(x0, x1, 3);
        t1 = Shifted(x1, x2, 3);
        t2 = Vector512.Load(p + 35);
        a10 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[23]), a10);
        a11 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[23]), a11);
        a12 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[23]), a12);
        a20 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[18]), a20);
        a21 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[18]), a21);
        a22 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[18]), a22);
        a30 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[13]), a30);
        a31 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[13]), a31);
        a32 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[13]), a32);
        t0 = Shifted(x0, x1, 4);
        t1 = Shifted(x1, x2, 4);
        t2 = Vector512.Load(p + 36);
        a10 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[24]), a10);
        a11 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[24]), a11);
        a12 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[24]), a12);
        a20 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[19]), a20);
        a21 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[19]), a21);
        a22 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[19]), a22);
        a30 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[14]), a30);
        a31 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[14]), a31);
        a32 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[14]), a32);

        // Input row 6 feeds output rows 3, 2.
        p = q6 + x;
        wq += z;
        x0 = Vector512.Load(p);
        x1 = Vector512.Load(p + 16);
        x2 = Vector512.Load(p + 32);
        a20 = Vector512.MultiplyAddEstimate(x0, Vector512.Create(wq[20]), a20);
        a21 = Vector512.MultiplyAddEstimate(x1, Vector512.Create(wq[20]), a21);
        a22 = Vector512.MultiplyAddEstimate(x2, Vector512.Create(wq[20]), a22);
        a30 = Vector512.MultiplyAddEstimate(x0, Vector512.Create(wq[15]), a30);
        a31 = Vector512.MultiplyAddEstimate(x1, Vector512.Create(wq[15]), a31);
        a32 = Vector512.MultiplyAddEstimate(x2, Vector512.Create(wq[15]), a32);
        t0 = Shifted(x0, x1, 1);
        t1 = Shifted(x1, x2, 1);
        t2 = Vector512.Load(p + 33);
        a20 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[21]), a20);
        a21 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[21]), a21);
        a22 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[21]), a22);
        a30 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[16]), a30);
        a31 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[16]), a31);
        a32 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[16]), a32);
        t0 = Shifted(x0, x1, 2);
        t1 = Shifted(x1, x2, 2);
        t2 = Vector512.Load(p + 34);
        a20 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[22]), a20);
        a21 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[22]), a21);
        a22 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[22]), a22);
        a30 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[17]), a30);
        a31 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[17]), a31);
        a32 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[17]), a32);
        t0 = Shifted(x0, x1, 3);
        t1 = Shifted(x1, x2, 3);
        t2 = Vector512.Load(p + 35);
        a20 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[23]), a20);
        a21 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[23]), a21);
        a22 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[23]), a22);
        a30 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[18]), a30);
        a31 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[18]), a31);
        a32 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[18]), a32);
        t0 = Shifted(x0, x1, 4);
        t1 = Shifted(x1, x2, 4);
        t2 = Vector512.Load(p + 36);
        a20 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[24]), a20);
        a21 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[24]), a21);
        a22 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[24]), a22);
        a30 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[19]), a30);
        a31 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[19]), a31);
        a32 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[19]), a32);

        // Input row 7 feeds output rows 3.
        p = q7 + x;
        wq += z;
        x0 = Vector512.Load(p);
        x1 = Vector512.Load(p + 16);
        x2 = Vector512.Load(p + 32);
        a30 = Vector512.MultiplyAddEstimate(x0, Vector512.Create(wq[20]), a30);
        a31 = Vector512.MultiplyAddEstimate(x1, Vector512.Create(wq[20]), a31);
        a32 = Vector512.MultiplyAddEstimate(x2, Vector512.Create(wq[20]), a32);
        t0 = Shifted(x0, x1, 1);
        t1 = Shifted(x1, x2, 1);
        t2 = Vector512.Load(p + 33);
        a30 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[21]), a30);
        a31 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[21]), a31);
        a32 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[21]), a32);
        t0 = Shifted(x0, x1, 2);
        t1 = Shifted(x1, x2, 2);
        t2 = Vector512.Load(p + 34);
        a30 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[22]), a30);
        a31 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[22]), a31);
        a32 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[22]), a32);
        t0 = Shifted(x0, x1, 3);
        t1 = Shifted(x1, x2, 3);
        t2 = Vector512.Load(p + 35);
        a30 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[23]), a30);
        a31 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[23]), a31);
        a32 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[23]), a32);
        t0 = Shifted(x0, x1, 4);
        t1 = Shifted(x1, x2, 4);
        t2 = Vector512.Load(p + 36);
        a30 = Vector512.MultiplyAddEstimate(t0, Vector512.Create(wq[24]), a30);
        a31 = Vector512.MultiplyAddEstimate(t1, Vector512.Create(wq[24]), a31);
        a32 = Vector512.MultiplyAddEstimate(t2, Vector512.Create(wq[24]), a32);

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
}
