using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Interpretability;

/// <summary>
/// Small images with a 3x3 kernel on AVX-512: rows of 17 to 32 outputs (Fashion-MNIST's 28x28 and
/// CIFAR's 32x32 with "same" padding are the cases in point), one channel or several. Each channel is
/// copied into a zero-padded buffer whose rows are 48 floats apart, and each block of four output
/// rows is two 16-lane vectors wide, its taps built from three loads per input row with
/// <c>valignd</c>, every channel summed in registers before the stores, the last vector's stores
/// masked to the row. The general path handles these rows as AVX2 vectors with masked edge vectors on both sides,
/// which at 28 columns are most of the row.
/// </summary>
/// <remarks>
/// Stopwatch (fastest of 9, the public span overload, two builds, "same" padding): one channel of
/// 28x28 0.56-0.58 -> 0.35 us; three channels of 32x32 1.67 -> 1.02-1.09 us, of 28x28 1.52 -> 0.86 us
/// (the general path ran them plane by plane, the later planes adding into the destination).
/// </remarks>
public static partial class Convolution
{
    /// <summary>Floats between two rows of the padded copy: three vectors, so every load of a row stays in it.</summary>
    private const int TinyPitch = 48;

    /// <summary>Output rows from <see cref="TinyMinWidth"/> to 32 wide take <see cref="Tiny3x3"/>.</summary>
    internal const int TinyMinWidth = 17;

    /// <summary>Floats of padded copy at most, all channels together (48 KB, within L1 and L2 at once).</summary>
    internal const int TinyMaxFloats = 12288;

    /// <summary>
    /// Whether <see cref="Tiny3x3"/> runs this convolution: AVX-512, a 3x3 kernel at unit strides and
    /// dilations, rows of <see cref="TinyMinWidth"/> to 32 outputs and at most <see cref="TinyMaxFloats"/>
    /// floats of padded copy.
    /// </summary>
    internal static bool UsesTiny3x3(SimdWidth width, in ConvGeometry g, int channels) =>
        width >= SimdWidth.Vector512 && Avx512F.IsSupported
        && g.KernelHeight == 3 && g.KernelWidth == 3 && g.StrideX == 1 && g.StrideY == 1 && g.DilationX == 1 && g.DilationY == 1
        && g.OutputWidth >= TinyMinWidth && g.OutputWidth <= 32 && TinyRows(g) * TinyPitch * channels <= TinyMaxFloats;

    /// <summary>Rows of the padded copy: every input row of whole blocks of four output rows.</summary>
    private static long TinyRows(in ConvGeometry g) => (4L * ((g.OutputHeight + 3) / 4)) + 2;

    /// <summary>Floats of scratch <see cref="Tiny3x3"/> needs for <paramref name="channels"/> channels.</summary>
    internal static long TinyScratchLength(in ConvGeometry g, int channels) => (TinyRows(g) * TinyPitch * channels) + 16;

    /// <summary>
    /// Convolves <paramref name="channels"/> planes (<paramref name="channelStride"/> floats apart, the
    /// dense 3x3 kernels <c>w + 9 * c</c>; <see cref="UsesTiny3x3"/>) into <paramref name="destination"/>
    /// (rows <paramref name="destinationRowStride"/> apart), overwriting it with <c>bias + conv</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void Tiny3x3(in ConvGeometry g, int channels, float* source, nint channelStride, nint rowStride, nint columnStride, float* w, float bias, float* destination, nint destinationRowStride, float* scratch)
    {
        nint plane = (nint)(TinyRows(g) * TinyPitch);
        float* padded = (float*)(((nint)scratch + 63) & ~(nint)63);
        CopyPadded(g, channels, source, channelStride, rowStride, columnStride, padded, TinyPitch, plane);

        var biasVector = Vector512.Create(bias);
        var lanes = Vector512.Create(0f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        var secondMask = Vector512.LessThan(lanes, Vector512.Create((float)(g.OutputWidth - 16)));
        int oh = g.OutputHeight;
        for (int y = 0; y < oh; y += 4)
        {
            Vector512<float> a00 = biasVector, a01 = biasVector, a10 = biasVector, a11 = biasVector;
            Vector512<float> a20 = biasVector, a21 = biasVector, a30 = biasVector, a31 = biasVector;
            for (int c = 0; c < channels; c++)
            {
                float* r = padded + (c * plane) + ((nint)y * TinyPitch), k = w + (9 * c);
                Vector512<float> w00 = Vector512.Create(k[0]), w01 = Vector512.Create(k[1]), w02 = Vector512.Create(k[2]);
                Vector512<float> w10 = Vector512.Create(k[3]), w11 = Vector512.Create(k[4]), w12 = Vector512.Create(k[5]);
                Vector512<float> w20 = Vector512.Create(k[6]), w21 = Vector512.Create(k[7]), w22 = Vector512.Create(k[8]);
                Vector512<float> x0, x1, t1, t2, u1, u2;

                TinyRow(r, out x0, out x1, out t1, out t2, out u1, out u2);
                a00 = Taps(a00, x0, t1, t2, w00, w01, w02);
                a01 = Taps(a01, x1, u1, u2, w00, w01, w02);

                TinyRow(r + TinyPitch, out x0, out x1, out t1, out t2, out u1, out u2);
                a00 = Taps(a00, x0, t1, t2, w10, w11, w12);
                a01 = Taps(a01, x1, u1, u2, w10, w11, w12);
                a10 = Taps(a10, x0, t1, t2, w00, w01, w02);
                a11 = Taps(a11, x1, u1, u2, w00, w01, w02);

                TinyRow(r + (2 * TinyPitch), out x0, out x1, out t1, out t2, out u1, out u2);
                a00 = Taps(a00, x0, t1, t2, w20, w21, w22);
                a01 = Taps(a01, x1, u1, u2, w20, w21, w22);
                a10 = Taps(a10, x0, t1, t2, w10, w11, w12);
                a11 = Taps(a11, x1, u1, u2, w10, w11, w12);
                a20 = Taps(a20, x0, t1, t2, w00, w01, w02);
                a21 = Taps(a21, x1, u1, u2, w00, w01, w02);

                TinyRow(r + (3 * TinyPitch), out x0, out x1, out t1, out t2, out u1, out u2);
                a10 = Taps(a10, x0, t1, t2, w20, w21, w22);
                a11 = Taps(a11, x1, u1, u2, w20, w21, w22);
                a20 = Taps(a20, x0, t1, t2, w10, w11, w12);
                a21 = Taps(a21, x1, u1, u2, w10, w11, w12);
                a30 = Taps(a30, x0, t1, t2, w00, w01, w02);
                a31 = Taps(a31, x1, u1, u2, w00, w01, w02);

                TinyRow(r + (4 * TinyPitch), out x0, out x1, out t1, out t2, out u1, out u2);
                a20 = Taps(a20, x0, t1, t2, w20, w21, w22);
                a21 = Taps(a21, x1, u1, u2, w20, w21, w22);
                a30 = Taps(a30, x0, t1, t2, w10, w11, w12);
                a31 = Taps(a31, x1, u1, u2, w10, w11, w12);

                TinyRow(r + (5 * TinyPitch), out x0, out x1, out t1, out t2, out u1, out u2);
                a30 = Taps(a30, x0, t1, t2, w20, w21, w22);
                a31 = Taps(a31, x1, u1, u2, w20, w21, w22);
            }

            float* d = destination + ((nint)y * destinationRowStride);
            int left = oh - y;
            TinyStore(d, a00, a01, secondMask);
            if (left > 1)
            {
                TinyStore(d + destinationRowStride, a10, a11, secondMask);
            }

            if (left > 2)
            {
                TinyStore(d + (2 * destinationRowStride), a20, a21, secondMask);
            }

            if (left > 3)
            {
                TinyStore(d + (3 * destinationRowStride), a30, a31, secondMask);
            }
        }
    }

    /// <summary>One padded row's two vectors (<paramref name="x0"/>, <paramref name="x1"/>) and their taps one and two columns over.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void TinyRow(float* p, out Vector512<float> x0, out Vector512<float> x1, out Vector512<float> t1, out Vector512<float> t2, out Vector512<float> u1, out Vector512<float> u2)
    {
        x0 = Vector512.Load(p);
        x1 = Vector512.Load(p + 16);
        var x2 = Vector512.Load(p + 32);
        t1 = Shifted(x0, x1, 1);
        t2 = Shifted(x0, x1, 2);
        u1 = Shifted(x1, x2, 1);
        u2 = Shifted(x1, x2, 2);
    }

    /// <summary>One output row: 16 columns, then the lanes of the next 16 that <paramref name="mask"/> keeps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void TinyStore(float* d, Vector512<float> first, Vector512<float> second, Vector512<float> mask)
    {
        first.Store(d);
        Avx512F.MaskStore(d + 16, mask, second);
    }
}
