using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Interpretability;

public static partial class Convolution
{
    /// <summary>
    /// <paramref name="blocks"/> blocks of twelve output rows (<c>d0 + i * dstStride</c>) by 32 columns,
    /// block <c>b</c> at columns <c>32 * b</c> (right to left when <paramref name="backwards"/>), from
    /// input rows <c>rows[0 .. 15] + origin</c> and the row-major 5x5 kernel <paramref name="w"/>, as
    /// <see cref="Oct5x5Blocks512"/> computes eight: 24 accumulators and the kernel column's five
    /// weights in registers, each input load feeding up to five output rows. Sixteen rows loaded per
    /// 120 FMAs, where the eight-row block loads twelve per 80: a line-crossing 512-bit load costs
    /// about twice an aligned one on Zen 5 (<c>FmaPeakBench-shuffles</c>), and the loads of the
    /// shifted taps all cross.
    /// </summary>
    /// <remarks>
    /// Stopwatch on Zen 5, in-process A/B against eight-row blocks, fastest of 15, "same" padding:
    /// 224x224 14.32 -> 13.73 us (16.99 -> 16.46 in a slow phase), 300x300 28.76 -> 27.56, 128x128
    /// 4.93 -> 4.80, 96x96 3.10 -> 3.02, 640x640 117.6 -> 114.9, 1000x1000 even. Generated like the
    /// other blocks, one line per FMA.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static unsafe void Dodec5x5Blocks512(float** rows, nint origin, float* w, float* d0, nint dstStride, nint blocks, Vector512<float> biasVector, bool accumulate, bool backwards)
    {
        for (nint b = 0; b < blocks; b++)
        {
            nint x = (backwards ? blocks - 1 - b : b) * 32;
            float* d = d0 + x;
            Vector512<float> a0_0, a0_1, a1_0, a1_1, a2_0, a2_1, a3_0, a3_1, a4_0, a4_1, a5_0, a5_1, a6_0, a6_1, a7_0, a7_1, a8_0, a8_1, a9_0, a9_1, a10_0, a10_1, a11_0, a11_1;
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
                a8_0 = Vector512.Load(d + (8 * dstStride));
                a8_1 = Vector512.Load(d + (8 * dstStride) + 16);
                a9_0 = Vector512.Load(d + (9 * dstStride));
                a9_1 = Vector512.Load(d + (9 * dstStride) + 16);
                a10_0 = Vector512.Load(d + (10 * dstStride));
                a10_1 = Vector512.Load(d + (10 * dstStride) + 16);
                a11_0 = Vector512.Load(d + (11 * dstStride));
                a11_1 = Vector512.Load(d + (11 * dstStride) + 16);
            }
            else
            {
                a0_0 = a0_1 = a1_0 = a1_1 = a2_0 = a2_1 = a3_0 = a3_1 = a4_0 = a4_1 = a5_0 = a5_1 = a6_0 = a6_1 = a7_0 = a7_1 = a8_0 = a8_1 = a9_0 = a9_1 = a10_0 = a10_1 = a11_0 = a11_1 = biasVector;
            }

            for (nint kx = 0; kx < 5; kx++)
            {
                float* wk = w + kx;
                Vector512<float> w0 = Vector512.Create(wk[0]), w1 = Vector512.Create(wk[5]), w2 = Vector512.Create(wk[10]), w3 = Vector512.Create(wk[15]), w4 = Vector512.Create(wk[20]);
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
                a0_0 = Vector512.MultiplyAddEstimate(v0, w3, a0_0);
                a0_1 = Vector512.MultiplyAddEstimate(v1, w3, a0_1);
                a1_0 = Vector512.MultiplyAddEstimate(v0, w2, a1_0);
                a1_1 = Vector512.MultiplyAddEstimate(v1, w2, a1_1);
                a2_0 = Vector512.MultiplyAddEstimate(v0, w1, a2_0);
                a2_1 = Vector512.MultiplyAddEstimate(v1, w1, a2_1);
                a3_0 = Vector512.MultiplyAddEstimate(v0, w0, a3_0);
                a3_1 = Vector512.MultiplyAddEstimate(v1, w0, a3_1);
                v0 = Vector512.Load(rows[4] + o);
                v1 = Vector512.Load(rows[4] + o + 16);
                a0_0 = Vector512.MultiplyAddEstimate(v0, w4, a0_0);
                a0_1 = Vector512.MultiplyAddEstimate(v1, w4, a0_1);
                a1_0 = Vector512.MultiplyAddEstimate(v0, w3, a1_0);
                a1_1 = Vector512.MultiplyAddEstimate(v1, w3, a1_1);
                a2_0 = Vector512.MultiplyAddEstimate(v0, w2, a2_0);
                a2_1 = Vector512.MultiplyAddEstimate(v1, w2, a2_1);
                a3_0 = Vector512.MultiplyAddEstimate(v0, w1, a3_0);
                a3_1 = Vector512.MultiplyAddEstimate(v1, w1, a3_1);
                a4_0 = Vector512.MultiplyAddEstimate(v0, w0, a4_0);
                a4_1 = Vector512.MultiplyAddEstimate(v1, w0, a4_1);
                v0 = Vector512.Load(rows[5] + o);
                v1 = Vector512.Load(rows[5] + o + 16);
                a1_0 = Vector512.MultiplyAddEstimate(v0, w4, a1_0);
                a1_1 = Vector512.MultiplyAddEstimate(v1, w4, a1_1);
                a2_0 = Vector512.MultiplyAddEstimate(v0, w3, a2_0);
                a2_1 = Vector512.MultiplyAddEstimate(v1, w3, a2_1);
                a3_0 = Vector512.MultiplyAddEstimate(v0, w2, a3_0);
                a3_1 = Vector512.MultiplyAddEstimate(v1, w2, a3_1);
                a4_0 = Vector512.MultiplyAddEstimate(v0, w1, a4_0);
                a4_1 = Vector512.MultiplyAddEstimate(v1, w1, a4_1);
                a5_0 = Vector512.MultiplyAddEstimate(v0, w0, a5_0);
                a5_1 = Vector512.MultiplyAddEstimate(v1, w0, a5_1);
                v0 = Vector512.Load(rows[6] + o);
                v1 = Vector512.Load(rows[6] + o + 16);
                a2_0 = Vector512.MultiplyAddEstimate(v0, w4, a2_0);
                a2_1 = Vector512.MultiplyAddEstimate(v1, w4, a2_1);
                a3_0 = Vector512.MultiplyAddEstimate(v0, w3, a3_0);
                a3_1 = Vector512.MultiplyAddEstimate(v1, w3, a3_1);
                a4_0 = Vector512.MultiplyAddEstimate(v0, w2, a4_0);
                a4_1 = Vector512.MultiplyAddEstimate(v1, w2, a4_1);
                a5_0 = Vector512.MultiplyAddEstimate(v0, w1, a5_0);
                a5_1 = Vector512.MultiplyAddEstimate(v1, w1, a5_1);
                a6_0 = Vector512.MultiplyAddEstimate(v0, w0, a6_0);
                a6_1 = Vector512.MultiplyAddEstimate(v1, w0, a6_1);
                v0 = Vector512.Load(rows[7] + o);
                v1 = Vector512.Load(rows[7] + o + 16);
                a3_0 = Vector512.MultiplyAddEstimate(v0, w4, a3_0);
                a3_1 = Vector512.MultiplyAddEstimate(v1, w4, a3_1);
                a4_0 = Vector512.MultiplyAddEstimate(v0, w3, a4_0);
                a4_1 = Vector512.MultiplyAddEstimate(v1, w3, a4_1);
                a5_0 = Vector512.MultiplyAddEstimate(v0, w2, a5_0);
                a5_1 = Vector512.MultiplyAddEstimate(v1, w2, a5_1);
                a6_0 = Vector512.MultiplyAddEstimate(v0, w1, a6_0);
                a6_1 = Vector512.MultiplyAddEstimate(v1, w1, a6_1);
                a7_0 = Vector512.MultiplyAddEstimate(v0, w0, a7_0);
                a7_1 = Vector512.MultiplyAddEstimate(v1, w0, a7_1);
                v0 = Vector512.Load(rows[8] + o);
                v1 = Vector512.Load(rows[8] + o + 16);
                a4_0 = Vector512.MultiplyAddEstimate(v0, w4, a4_0);
                a4_1 = Vector512.MultiplyAddEstimate(v1, w4, a4_1);
                a5_0 = Vector512.MultiplyAddEstimate(v0, w3, a5_0);
                a5_1 = Vector512.MultiplyAddEstimate(v1, w3, a5_1);
                a6_0 = Vector512.MultiplyAddEstimate(v0, w2, a6_0);
                a6_1 = Vector512.MultiplyAddEstimate(v1, w2, a6_1);
                a7_0 = Vector512.MultiplyAddEstimate(v0, w1, a7_0);
                a7_1 = Vector512.MultiplyAddEstimate(v1, w1, a7_1);
                a8_0 = Vector512.MultiplyAddEstimate(v0, w0, a8_0);
                a8_1 = Vector512.MultiplyAddEstimate(v1, w0, a8_1);
                v0 = Vector512.Load(rows[9] + o);
                v1 = Vector512.Load(rows[9] + o + 16);
                a5_0 = Vector512.MultiplyAddEstimate(v0, w4, a5_0);
                a5_1 = Vector512.MultiplyAddEstimate(v1, w4, a5_1);
                a6_0 = Vector512.MultiplyAddEstimate(v0, w3, a6_0);
                a6_1 = Vector512.MultiplyAddEstimate(v1, w3, a6_1);
                a7_0 = Vector512.MultiplyAddEstimate(v0, w2, a7_0);
                a7_1 = Vector512.MultiplyAddEstimate(v1, w2, a7_1);
                a8_0 = Vector512.MultiplyAddEstimate(v0, w1, a8_0);
                a8_1 = Vector512.MultiplyAddEstimate(v1, w1, a8_1);
                a9_0 = Vector512.MultiplyAddEstimate(v0, w0, a9_0);
                a9_1 = Vector512.MultiplyAddEstimate(v1, w0, a9_1);
                v0 = Vector512.Load(rows[10] + o);
                v1 = Vector512.Load(rows[10] + o + 16);
                a6_0 = Vector512.MultiplyAddEstimate(v0, w4, a6_0);
                a6_1 = Vector512.MultiplyAddEstimate(v1, w4, a6_1);
                a7_0 = Vector512.MultiplyAddEstimate(v0, w3, a7_0);
                a7_1 = Vector512.MultiplyAddEstimate(v1, w3, a7_1);
                a8_0 = Vector512.MultiplyAddEstimate(v0, w2, a8_0);
                a8_1 = Vector512.MultiplyAddEstimate(v1, w2, a8_1);
                a9_0 = Vector512.MultiplyAddEstimate(v0, w1, a9_0);
                a9_1 = Vector512.MultiplyAddEstimate(v1, w1, a9_1);
                a10_0 = Vector512.MultiplyAddEstimate(v0, w0, a10_0);
                a10_1 = Vector512.MultiplyAddEstimate(v1, w0, a10_1);
                v0 = Vector512.Load(rows[11] + o);
                v1 = Vector512.Load(rows[11] + o + 16);
                a7_0 = Vector512.MultiplyAddEstimate(v0, w4, a7_0);
                a7_1 = Vector512.MultiplyAddEstimate(v1, w4, a7_1);
                a8_0 = Vector512.MultiplyAddEstimate(v0, w3, a8_0);
                a8_1 = Vector512.MultiplyAddEstimate(v1, w3, a8_1);
                a9_0 = Vector512.MultiplyAddEstimate(v0, w2, a9_0);
                a9_1 = Vector512.MultiplyAddEstimate(v1, w2, a9_1);
                a10_0 = Vector512.MultiplyAddEstimate(v0, w1, a10_0);
                a10_1 = Vector512.MultiplyAddEstimate(v1, w1, a10_1);
                a11_0 = Vector512.MultiplyAddEstimate(v0, w0, a11_0);
                a11_1 = Vector512.MultiplyAddEstimate(v1, w0, a11_1);
                v0 = Vector512.Load(rows[12] + o);
                v1 = Vector512.Load(rows[12] + o + 16);
                a8_0 = Vector512.MultiplyAddEstimate(v0, w4, a8_0);
                a8_1 = Vector512.MultiplyAddEstimate(v1, w4, a8_1);
                a9_0 = Vector512.MultiplyAddEstimate(v0, w3, a9_0);
                a9_1 = Vector512.MultiplyAddEstimate(v1, w3, a9_1);
                a10_0 = Vector512.MultiplyAddEstimate(v0, w2, a10_0);
                a10_1 = Vector512.MultiplyAddEstimate(v1, w2, a10_1);
                a11_0 = Vector512.MultiplyAddEstimate(v0, w1, a11_0);
                a11_1 = Vector512.MultiplyAddEstimate(v1, w1, a11_1);
                v0 = Vector512.Load(rows[13] + o);
                v1 = Vector512.Load(rows[13] + o + 16);
                a9_0 = Vector512.MultiplyAddEstimate(v0, w4, a9_0);
                a9_1 = Vector512.MultiplyAddEstimate(v1, w4, a9_1);
                a10_0 = Vector512.MultiplyAddEstimate(v0, w3, a10_0);
                a10_1 = Vector512.MultiplyAddEstimate(v1, w3, a10_1);
                a11_0 = Vector512.MultiplyAddEstimate(v0, w2, a11_0);
                a11_1 = Vector512.MultiplyAddEstimate(v1, w2, a11_1);
                v0 = Vector512.Load(rows[14] + o);
                v1 = Vector512.Load(rows[14] + o + 16);
                a10_0 = Vector512.MultiplyAddEstimate(v0, w4, a10_0);
                a10_1 = Vector512.MultiplyAddEstimate(v1, w4, a10_1);
                a11_0 = Vector512.MultiplyAddEstimate(v0, w3, a11_0);
                a11_1 = Vector512.MultiplyAddEstimate(v1, w3, a11_1);
                v0 = Vector512.Load(rows[15] + o);
                v1 = Vector512.Load(rows[15] + o + 16);
                a11_0 = Vector512.MultiplyAddEstimate(v0, w4, a11_0);
                a11_1 = Vector512.MultiplyAddEstimate(v1, w4, a11_1);
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
            a8_0.Store(d + (8 * dstStride));
            a8_1.Store(d + (8 * dstStride) + 16);
            a9_0.Store(d + (9 * dstStride));
            a9_1.Store(d + (9 * dstStride) + 16);
            a10_0.Store(d + (10 * dstStride));
            a10_1.Store(d + (10 * dstStride) + 16);
            a11_0.Store(d + (11 * dstStride));
            a11_1.Store(d + (11 * dstStride) + 16);
        }
    }

    /// <summary>
    /// <paramref name="blocks"/> blocks of ten output rows (<c>d0 + i * dstStride</c>) by 32 columns,
    /// as <see cref="Oct7x7Blocks512"/> computes eight, from input rows <c>rows[0 .. 15] + origin</c>
    /// and the row-major 7x7 kernel <paramref name="w"/>: 20 accumulators, the kernel column's seven
    /// weights and two loaded vectors (29 of the 32 registers). Sixteen rows loaded per 140 FMAs,
    /// where the eight-row block loads fourteen per 112.
    /// </summary>
    /// <remarks>
    /// <see cref="ConvolveOct{TKh}"/> runs four of them per band of forty rows, whose edges take five
    /// eight-row edge loops (<see cref="Oct7x7Edges512"/>). Bands of twenty, which left their last four
    /// rows' edges to the slower four-row loop, gained less (224x224, fastest of 41 rounds, three runs:
    /// -1.9 to 3.5 %, against 1.6 to 4.5 % for forty). Alone, over a 224-column interior
    /// (stopwatch, fastest of 15): 25.07 against 24.23 us for the eight-row blocks, 94 and 97 % of the
    /// FMA ceiling. Whole planes on Zen 5, "same" padding, median over 41 interleaved rounds of this
    /// against the eight-row blocks, beside the same run with both sides the eight-row blocks (the
    /// buffers' own difference): 224x224 0.955 and 0.964 (1.012), 128x128 0.975 (1.017), 300x300
    /// 0.968 (0.992), 96x96 0.962 (1.007), 160x160 0.963 (1.010), 480x480 0.975 (1.003).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static unsafe void Deca7x7Blocks512(float** rows, nint origin, float* w, float* d0, nint dstStride, nint blocks, Vector512<float> biasVector, bool accumulate, bool backwards)
    {
        for (nint b = 0; b < blocks; b++)
        {
            nint x = (backwards ? blocks - 1 - b : b) * 32;
            float* d = d0 + x;
            Vector512<float> a0_0, a0_1, a1_0, a1_1, a2_0, a2_1, a3_0, a3_1, a4_0, a4_1, a5_0, a5_1, a6_0, a6_1, a7_0, a7_1, a8_0, a8_1, a9_0, a9_1;
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
                a8_0 = Vector512.Load(d + (8 * dstStride));
                a8_1 = Vector512.Load(d + (8 * dstStride) + 16);
                a9_0 = Vector512.Load(d + (9 * dstStride));
                a9_1 = Vector512.Load(d + (9 * dstStride) + 16);
            }
            else
            {
                a0_0 = a0_1 = a1_0 = a1_1 = a2_0 = a2_1 = a3_0 = a3_1 = a4_0 = a4_1 = a5_0 = a5_1 = a6_0 = a6_1 = a7_0 = a7_1 = a8_0 = a8_1 = a9_0 = a9_1 = biasVector;
            }

            for (nint kx = 0; kx < 7; kx++)
            {
                float* wk = w + kx;
                Vector512<float> w0 = Vector512.Create(wk[0]), w1 = Vector512.Create(wk[7]), w2 = Vector512.Create(wk[14]), w3 = Vector512.Create(wk[21]), w4 = Vector512.Create(wk[28]), w5 = Vector512.Create(wk[35]), w6 = Vector512.Create(wk[42]);
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
                a0_0 = Vector512.MultiplyAddEstimate(v0, w3, a0_0);
                a0_1 = Vector512.MultiplyAddEstimate(v1, w3, a0_1);
                a1_0 = Vector512.MultiplyAddEstimate(v0, w2, a1_0);
                a1_1 = Vector512.MultiplyAddEstimate(v1, w2, a1_1);
                a2_0 = Vector512.MultiplyAddEstimate(v0, w1, a2_0);
                a2_1 = Vector512.MultiplyAddEstimate(v1, w1, a2_1);
                a3_0 = Vector512.MultiplyAddEstimate(v0, w0, a3_0);
                a3_1 = Vector512.MultiplyAddEstimate(v1, w0, a3_1);
                v0 = Vector512.Load(rows[4] + o);
                v1 = Vector512.Load(rows[4] + o + 16);
                a0_0 = Vector512.MultiplyAddEstimate(v0, w4, a0_0);
                a0_1 = Vector512.MultiplyAddEstimate(v1, w4, a0_1);
                a1_0 = Vector512.MultiplyAddEstimate(v0, w3, a1_0);
                a1_1 = Vector512.MultiplyAddEstimate(v1, w3, a1_1);
                a2_0 = Vector512.MultiplyAddEstimate(v0, w2, a2_0);
                a2_1 = Vector512.MultiplyAddEstimate(v1, w2, a2_1);
                a3_0 = Vector512.MultiplyAddEstimate(v0, w1, a3_0);
                a3_1 = Vector512.MultiplyAddEstimate(v1, w1, a3_1);
                a4_0 = Vector512.MultiplyAddEstimate(v0, w0, a4_0);
                a4_1 = Vector512.MultiplyAddEstimate(v1, w0, a4_1);
                v0 = Vector512.Load(rows[5] + o);
                v1 = Vector512.Load(rows[5] + o + 16);
                a0_0 = Vector512.MultiplyAddEstimate(v0, w5, a0_0);
                a0_1 = Vector512.MultiplyAddEstimate(v1, w5, a0_1);
                a1_0 = Vector512.MultiplyAddEstimate(v0, w4, a1_0);
                a1_1 = Vector512.MultiplyAddEstimate(v1, w4, a1_1);
                a2_0 = Vector512.MultiplyAddEstimate(v0, w3, a2_0);
                a2_1 = Vector512.MultiplyAddEstimate(v1, w3, a2_1);
                a3_0 = Vector512.MultiplyAddEstimate(v0, w2, a3_0);
                a3_1 = Vector512.MultiplyAddEstimate(v1, w2, a3_1);
                a4_0 = Vector512.MultiplyAddEstimate(v0, w1, a4_0);
                a4_1 = Vector512.MultiplyAddEstimate(v1, w1, a4_1);
                a5_0 = Vector512.MultiplyAddEstimate(v0, w0, a5_0);
                a5_1 = Vector512.MultiplyAddEstimate(v1, w0, a5_1);
                v0 = Vector512.Load(rows[6] + o);
                v1 = Vector512.Load(rows[6] + o + 16);
                a0_0 = Vector512.MultiplyAddEstimate(v0, w6, a0_0);
                a0_1 = Vector512.MultiplyAddEstimate(v1, w6, a0_1);
                a1_0 = Vector512.MultiplyAddEstimate(v0, w5, a1_0);
                a1_1 = Vector512.MultiplyAddEstimate(v1, w5, a1_1);
                a2_0 = Vector512.MultiplyAddEstimate(v0, w4, a2_0);
                a2_1 = Vector512.MultiplyAddEstimate(v1, w4, a2_1);
                a3_0 = Vector512.MultiplyAddEstimate(v0, w3, a3_0);
                a3_1 = Vector512.MultiplyAddEstimate(v1, w3, a3_1);
                a4_0 = Vector512.MultiplyAddEstimate(v0, w2, a4_0);
                a4_1 = Vector512.MultiplyAddEstimate(v1, w2, a4_1);
                a5_0 = Vector512.MultiplyAddEstimate(v0, w1, a5_0);
                a5_1 = Vector512.MultiplyAddEstimate(v1, w1, a5_1);
                a6_0 = Vector512.MultiplyAddEstimate(v0, w0, a6_0);
                a6_1 = Vector512.MultiplyAddEstimate(v1, w0, a6_1);
                v0 = Vector512.Load(rows[7] + o);
                v1 = Vector512.Load(rows[7] + o + 16);
                a1_0 = Vector512.MultiplyAddEstimate(v0, w6, a1_0);
                a1_1 = Vector512.MultiplyAddEstimate(v1, w6, a1_1);
                a2_0 = Vector512.MultiplyAddEstimate(v0, w5, a2_0);
                a2_1 = Vector512.MultiplyAddEstimate(v1, w5, a2_1);
                a3_0 = Vector512.MultiplyAddEstimate(v0, w4, a3_0);
                a3_1 = Vector512.MultiplyAddEstimate(v1, w4, a3_1);
                a4_0 = Vector512.MultiplyAddEstimate(v0, w3, a4_0);
                a4_1 = Vector512.MultiplyAddEstimate(v1, w3, a4_1);
                a5_0 = Vector512.MultiplyAddEstimate(v0, w2, a5_0);
                a5_1 = Vector512.MultiplyAddEstimate(v1, w2, a5_1);
                a6_0 = Vector512.MultiplyAddEstimate(v0, w1, a6_0);
                a6_1 = Vector512.MultiplyAddEstimate(v1, w1, a6_1);
                a7_0 = Vector512.MultiplyAddEstimate(v0, w0, a7_0);
                a7_1 = Vector512.MultiplyAddEstimate(v1, w0, a7_1);
                v0 = Vector512.Load(rows[8] + o);
                v1 = Vector512.Load(rows[8] + o + 16);
                a2_0 = Vector512.MultiplyAddEstimate(v0, w6, a2_0);
                a2_1 = Vector512.MultiplyAddEstimate(v1, w6, a2_1);
                a3_0 = Vector512.MultiplyAddEstimate(v0, w5, a3_0);
                a3_1 = Vector512.MultiplyAddEstimate(v1, w5, a3_1);
                a4_0 = Vector512.MultiplyAddEstimate(v0, w4, a4_0);
                a4_1 = Vector512.MultiplyAddEstimate(v1, w4, a4_1);
                a5_0 = Vector512.MultiplyAddEstimate(v0, w3, a5_0);
                a5_1 = Vector512.MultiplyAddEstimate(v1, w3, a5_1);
                a6_0 = Vector512.MultiplyAddEstimate(v0, w2, a6_0);
                a6_1 = Vector512.MultiplyAddEstimate(v1, w2, a6_1);
                a7_0 = Vector512.MultiplyAddEstimate(v0, w1, a7_0);
                a7_1 = Vector512.MultiplyAddEstimate(v1, w1, a7_1);
                a8_0 = Vector512.MultiplyAddEstimate(v0, w0, a8_0);
                a8_1 = Vector512.MultiplyAddEstimate(v1, w0, a8_1);
                v0 = Vector512.Load(rows[9] + o);
                v1 = Vector512.Load(rows[9] + o + 16);
                a3_0 = Vector512.MultiplyAddEstimate(v0, w6, a3_0);
                a3_1 = Vector512.MultiplyAddEstimate(v1, w6, a3_1);
                a4_0 = Vector512.MultiplyAddEstimate(v0, w5, a4_0);
                a4_1 = Vector512.MultiplyAddEstimate(v1, w5, a4_1);
                a5_0 = Vector512.MultiplyAddEstimate(v0, w4, a5_0);
                a5_1 = Vector512.MultiplyAddEstimate(v1, w4, a5_1);
                a6_0 = Vector512.MultiplyAddEstimate(v0, w3, a6_0);
                a6_1 = Vector512.MultiplyAddEstimate(v1, w3, a6_1);
                a7_0 = Vector512.MultiplyAddEstimate(v0, w2, a7_0);
                a7_1 = Vector512.MultiplyAddEstimate(v1, w2, a7_1);
                a8_0 = Vector512.MultiplyAddEstimate(v0, w1, a8_0);
                a8_1 = Vector512.MultiplyAddEstimate(v1, w1, a8_1);
                a9_0 = Vector512.MultiplyAddEstimate(v0, w0, a9_0);
                a9_1 = Vector512.MultiplyAddEstimate(v1, w0, a9_1);
                v0 = Vector512.Load(rows[10] + o);
                v1 = Vector512.Load(rows[10] + o + 16);
                a4_0 = Vector512.MultiplyAddEstimate(v0, w6, a4_0);
                a4_1 = Vector512.MultiplyAddEstimate(v1, w6, a4_1);
                a5_0 = Vector512.MultiplyAddEstimate(v0, w5, a5_0);
                a5_1 = Vector512.MultiplyAddEstimate(v1, w5, a5_1);
                a6_0 = Vector512.MultiplyAddEstimate(v0, w4, a6_0);
                a6_1 = Vector512.MultiplyAddEstimate(v1, w4, a6_1);
                a7_0 = Vector512.MultiplyAddEstimate(v0, w3, a7_0);
                a7_1 = Vector512.MultiplyAddEstimate(v1, w3, a7_1);
                a8_0 = Vector512.MultiplyAddEstimate(v0, w2, a8_0);
                a8_1 = Vector512.MultiplyAddEstimate(v1, w2, a8_1);
                a9_0 = Vector512.MultiplyAddEstimate(v0, w1, a9_0);
                a9_1 = Vector512.MultiplyAddEstimate(v1, w1, a9_1);
                v0 = Vector512.Load(rows[11] + o);
                v1 = Vector512.Load(rows[11] + o + 16);
                a5_0 = Vector512.MultiplyAddEstimate(v0, w6, a5_0);
                a5_1 = Vector512.MultiplyAddEstimate(v1, w6, a5_1);
                a6_0 = Vector512.MultiplyAddEstimate(v0, w5, a6_0);
                a6_1 = Vector512.MultiplyAddEstimate(v1, w5, a6_1);
                a7_0 = Vector512.MultiplyAddEstimate(v0, w4, a7_0);
                a7_1 = Vector512.MultiplyAddEstimate(v1, w4, a7_1);
                a8_0 = Vector512.MultiplyAddEstimate(v0, w3, a8_0);
                a8_1 = Vector512.MultiplyAddEstimate(v1, w3, a8_1);
                a9_0 = Vector512.MultiplyAddEstimate(v0, w2, a9_0);
                a9_1 = Vector512.MultiplyAddEstimate(v1, w2, a9_1);
                v0 = Vector512.Load(rows[12] + o);
                v1 = Vector512.Load(rows[12] + o + 16);
                a6_0 = Vector512.MultiplyAddEstimate(v0, w6, a6_0);
                a6_1 = Vector512.MultiplyAddEstimate(v1, w6, a6_1);
                a7_0 = Vector512.MultiplyAddEstimate(v0, w5, a7_0);
                a7_1 = Vector512.MultiplyAddEstimate(v1, w5, a7_1);
                a8_0 = Vector512.MultiplyAddEstimate(v0, w4, a8_0);
                a8_1 = Vector512.MultiplyAddEstimate(v1, w4, a8_1);
                a9_0 = Vector512.MultiplyAddEstimate(v0, w3, a9_0);
                a9_1 = Vector512.MultiplyAddEstimate(v1, w3, a9_1);
                v0 = Vector512.Load(rows[13] + o);
                v1 = Vector512.Load(rows[13] + o + 16);
                a7_0 = Vector512.MultiplyAddEstimate(v0, w6, a7_0);
                a7_1 = Vector512.MultiplyAddEstimate(v1, w6, a7_1);
                a8_0 = Vector512.MultiplyAddEstimate(v0, w5, a8_0);
                a8_1 = Vector512.MultiplyAddEstimate(v1, w5, a8_1);
                a9_0 = Vector512.MultiplyAddEstimate(v0, w4, a9_0);
                a9_1 = Vector512.MultiplyAddEstimate(v1, w4, a9_1);
                v0 = Vector512.Load(rows[14] + o);
                v1 = Vector512.Load(rows[14] + o + 16);
                a8_0 = Vector512.MultiplyAddEstimate(v0, w6, a8_0);
                a8_1 = Vector512.MultiplyAddEstimate(v1, w6, a8_1);
                a9_0 = Vector512.MultiplyAddEstimate(v0, w5, a9_0);
                a9_1 = Vector512.MultiplyAddEstimate(v1, w5, a9_1);
                v0 = Vector512.Load(rows[15] + o);
                v1 = Vector512.Load(rows[15] + o + 16);
                a9_0 = Vector512.MultiplyAddEstimate(v0, w6, a9_0);
                a9_1 = Vector512.MultiplyAddEstimate(v1, w6, a9_1);
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
            a8_0.Store(d + (8 * dstStride));
            a8_1.Store(d + (8 * dstStride) + 16);
            a9_0.Store(d + (9 * dstStride));
            a9_1.Store(d + (9 * dstStride) + 16);
        }
    }
}
