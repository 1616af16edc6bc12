using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Interpretability;

/// <summary>
/// 2-D convolution with exactly ONNX <c>Conv</c>'s semantics (cross-correlation, zero padding,
/// strides, asymmetric pads, dilations, groups, <c>auto_pad</c>), vectorised with AVX-512, AVX2 or
/// SSE/AdvSimd, whichever the machine has.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Convolve2D(Tensor{float}, Tensor{float}, ConvolutionOptions?, float)"/> applies one
/// kernel to an image: the lecture's "what does this filter emphasise". For a layer with weights
/// <c>[O, C, kh, kw]</c>, summing <c>Convolve2D(input[c], weights[k, c])</c> over <c>c</c> and adding
/// <c>bias[k]</c> gives channel <c>k</c> of the layer's output;
/// <see cref="Conv2D(Tensor{float}, Tensor{float}, Tensor{float}?, ConvolutionOptions?)"/> computes
/// all channels at once.
/// </para>
/// <para>Every method is thread-safe; the span overload allocates nothing once warmed up.</para>
/// </remarks>
public static partial class Convolution
{
    /// <summary>
    /// Convolves an image with one kernel (ONNX <c>Conv</c> with one output channel) into a new tensor.
    /// </summary>
    /// <param name="image">The image: <c>[H, W]</c>, or <c>[C, H, W]</c> to sum over channels. Any strides.</param>
    /// <param name="kernel">The kernel: <c>[kh, kw]</c>, or <c>[C, kh, kw]</c> with the image's channel count. Any strides.</param>
    /// <param name="options">Strides, padding, dilations and <c>auto_pad</c>; <see langword="null"/> for ONNX's defaults (no padding). <see cref="ConvolutionOptions.Group"/> must be 1.</param>
    /// <param name="bias">Added to every output.</param>
    /// <returns>The <c>[OH, OW]</c> feature map; see <see cref="GetConvolve2DOutputShape"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> or <paramref name="kernel"/> is null.</exception>
    /// <exception cref="ArgumentException">A rank is wrong, a length is zero, the channel counts differ, the group is not 1, or the dilated kernel is larger than the padded image.</exception>
    public static Tensor<float> Convolve2D(Tensor<float> image, Tensor<float> kernel, ConvolutionOptions? options = null, float bias = 0f)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(kernel);
        options ??= ConvolutionOptions.Default;
        var g = Errors.CheckConvolve2D(image.Lengths, kernel.Lengths, options, out int channels);
        var result = Tensor.CreateFromShapeUninitialized<float>([g.OutputHeight, g.OutputWidth]);
        Convolve2DCore(SimdWidths.Best, image.AsReadOnlyTensorSpan(), kernel.AsReadOnlyTensorSpan(), result.AsTensorSpan(), g, channels, bias);
        return result;
    }

    /// <summary>
    /// Convolves an image with one kernel into the caller's buffer (ONNX <c>Conv</c> with one output
    /// channel). Allocates nothing: use it in a loop.
    /// </summary>
    /// <param name="image">The image: <c>[H, W]</c>, or <c>[C, H, W]</c> to sum over channels. Any strides.</param>
    /// <param name="kernel">The kernel: <c>[kh, kw]</c>, or <c>[C, kh, kw]</c> with the image's channel count. Any strides.</param>
    /// <param name="destination">Receives the <c>[OH, OW]</c> feature map (see <see cref="GetConvolve2DOutputShape"/>); any strides; must not overlap <paramref name="image"/> or <paramref name="kernel"/>.</param>
    /// <param name="options">Strides, padding, dilations and <c>auto_pad</c>; <see langword="null"/> for ONNX's defaults (no padding). <see cref="ConvolutionOptions.Group"/> must be 1.</param>
    /// <param name="bias">Added to every output.</param>
    /// <exception cref="ArgumentException">A rank is wrong, a length is zero, the channel counts differ, the group is not 1, the dilated kernel is larger than the padded image, or <paramref name="destination"/> has the wrong shape or overlaps an input.</exception>
    public static void Convolve2D(ReadOnlyTensorSpan<float> image, ReadOnlyTensorSpan<float> kernel, in TensorSpan<float> destination, ConvolutionOptions? options = null, float bias = 0f)
    {
        options ??= ConvolutionOptions.Default;
        var g = Errors.CheckConvolve2D(image.Lengths, kernel.Lengths, options, out int channels);
        Errors.CheckDestination(destination.Lengths, [g.OutputHeight, g.OutputWidth]);
        Convolve2DCore(SimdWidths.Best, image, kernel, destination, g, channels, bias);
    }

    /// <summary>
    /// Convolves an input with a layer's weights: all output channels, with groups (ONNX <c>Conv</c>).
    /// </summary>
    /// <param name="input">The input: <c>[C, H, W]</c> or a batch <c>[N, C, H, W]</c>. Any strides.</param>
    /// <param name="weights">The layer's kernels: <c>[O, C / group, kh, kw]</c>. Any strides.</param>
    /// <param name="bias">One value per output channel (<c>[O]</c>), or <see langword="null"/>.</param>
    /// <param name="options">Strides, padding, dilations, group and <c>auto_pad</c>; <see langword="null"/> for ONNX's defaults.</param>
    /// <returns>The feature maps: <c>[O, OH, OW]</c>, or <c>[N, O, OH, OW]</c> for a batch; see <see cref="GetConv2DOutputShape"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> or <paramref name="weights"/> is null.</exception>
    /// <exception cref="ArgumentException">A rank is wrong, a length is zero, the group does not divide the channels, the channel counts do not match, the bias length is not O, or the dilated kernel is larger than the padded input.</exception>
    public static Tensor<float> Conv2D(Tensor<float> input, Tensor<float> weights, Tensor<float>? bias = null, ConvolutionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weights);
        return new Conv2DPlan(weights, bias, options).Run(input);
    }

    /// <summary>The shape <see cref="Convolve2D(Tensor{float}, Tensor{float}, ConvolutionOptions?, float)"/> returns for these operands.</summary>
    /// <param name="imageLengths">The image's lengths: <c>[H, W]</c> or <c>[C, H, W]</c>.</param>
    /// <param name="kernelLengths">The kernel's lengths: <c>[kh, kw]</c> or <c>[C, kh, kw]</c>.</param>
    /// <param name="options">The options the convolution will use; <see langword="null"/> for ONNX's defaults.</param>
    /// <returns><c>[OH, OW]</c>.</returns>
    /// <exception cref="ArgumentException">The operands are not valid for <c>Convolve2D</c> (same checks).</exception>
    public static nint[] GetConvolve2DOutputShape(ReadOnlySpan<nint> imageLengths, ReadOnlySpan<nint> kernelLengths, ConvolutionOptions? options = null)
    {
        var g = Errors.CheckConvolve2D(imageLengths, kernelLengths, options ?? ConvolutionOptions.Default, out _);
        return [g.OutputHeight, g.OutputWidth];
    }

    /// <summary>The shape <see cref="Conv2D(Tensor{float}, Tensor{float}, Tensor{float}?, ConvolutionOptions?)"/> returns for these operands.</summary>
    /// <param name="inputLengths">The input's lengths: <c>[C, H, W]</c> or <c>[N, C, H, W]</c>.</param>
    /// <param name="weightsLengths">The weights' lengths: <c>[O, C / group, kh, kw]</c>.</param>
    /// <param name="options">The options the convolution will use; <see langword="null"/> for ONNX's defaults.</param>
    /// <returns><c>[O, OH, OW]</c> or <c>[N, O, OH, OW]</c>.</returns>
    /// <exception cref="ArgumentException">The operands are not valid for <c>Conv2D</c> (same checks).</exception>
    public static nint[] GetConv2DOutputShape(ReadOnlySpan<nint> inputLengths, ReadOnlySpan<nint> weightsLengths, ConvolutionOptions? options = null)
    {
        options ??= ConvolutionOptions.Default;
        Errors.CheckConv2DWeights(weightsLengths, default, hasBias: false, options);
        var g = Errors.CheckConv2DInput(inputLengths, (int)weightsLengths[1], (int)weightsLengths[2], (int)weightsLengths[3], options);
        return inputLengths.Length == 4
            ? [inputLengths[0], weightsLengths[0], g.OutputHeight, g.OutputWidth]
            : [weightsLengths[0], g.OutputHeight, g.OutputWidth];
    }

    /// <summary>
    /// The span core of <c>Convolve2D</c> after validation, at a given maximum SIMD width (tests run
    /// every width the machine has). Channel 0 writes <c>bias + conv</c>, later channels add theirs;
    /// for 3x3 on AVX-512 the quads inside the image sum every channel in one pass unless
    /// <paramref name="planeByPlane"/> (benchmarks compare the two).
    /// </summary>
    internal static unsafe void Convolve2DCore(SimdWidth width, scoped in ReadOnlyTensorSpan<float> image, scoped in ReadOnlyTensorSpan<float> kernel, scoped in TensorSpan<float> destination, in ConvGeometry g, int channels, float bias, bool oneRowAtATime = false, int columnOrder = 0, bool edgeVectors = false, bool planeByPlane = false)
    {
        var imageStrides = image.Strides;
        var kernelStrides = kernel.Strides;
        var destinationStrides = destination.Strides;
        int kh = g.KernelHeight, kw = g.KernelWidth, oh = g.OutputHeight, ow = g.OutputWidth;
        bool denseKernel = kernel.IsDense;
        bool denseRows = destinationStrides[1] == 1;
        bool tiny = !oneRowAtATime && !edgeVectors && !planeByPlane && UsesTiny3x3(width, g, channels);
        bool onePlaneDense = channels == 1 && denseRows && destinationStrides[0] == ow;
        bool narrow = !tiny && !oneRowAtATime && !edgeVectors && UsesNarrowOct(width, g, direct: onePlaneDense);
        bool padCopy = narrow || (!tiny && (g.PadTop | g.PadLeft | g.PadBottom | g.PadRight) != 0 && g.Taps >= 25 && FitsPadCopy(g, channels));
        var planeGeometry = padCopy ? g.ForPaddedInput() : g;
        long planeScratch = tiny ? TinyScratchLength(g, channels) : narrow ? 0 : PlaneScratchLength(planeGeometry);
        long kernelScratch = denseKernel ? 0 : (long)channels * kh * kw;
        long destinationScratch = denseRows || narrow ? 0 : (long)oh * ow;

        // The eight-row blocks on a narrow plane read 32 * columnBlocks + kw - 1 columns of kh + 7 rows per band.
        int bands = (oh + 7) / 8, columnBlocks = narrow ? NarrowColumnBlocks(g) : 0;
        nint pitch = narrow ? (NarrowOctColumns * columnBlocks) + kw - 1 : (nint)g.PaddedWidth;
        long paddedPlane = pitch * (narrow ? (8L * bands) + kh - 1 : g.PaddedHeight), paddedScratch = padCopy ? channels * paddedPlane : 0;
        long narrowScratch = narrow ? 8L * (onePlaneDense ? 1 : bands) * NarrowOctColumns * columnBlocks : 0;
        float[] scratch = ArrayPool<float>.Shared.Rent(checked((int)(planeScratch + kernelScratch + destinationScratch + paddedScratch + narrowScratch)));
        try
        {
            fixed (float* src = image)
            fixed (float* k = kernel)
            fixed (float* dst = destination)
            fixed (float* s = scratch)
            {
                nint destinationExtent = Errors.Extent(destination.Lengths, destinationStrides);
                Errors.CheckNoOverlap(dst, destinationExtent, src, Errors.Extent(image.Lengths, imageStrides), "image");
                Errors.CheckNoOverlap(dst, destinationExtent, k, Errors.Extent(kernel.Lengths, kernelStrides), "kernel");

                float* weights = k;
                if (!denseKernel)
                {
                    weights = s + planeScratch;
                    GatherKernel(k, kernel.Lengths, kernelStrides, weights);
                }

                float* source = src;
                nint channelStride = image.Rank == 3 ? imageStrides[0] : 0;
                nint sourceRowStride = imageStrides[^2], sourceColumnStride = imageStrides[^1];
                if (padCopy)
                {
                    // A small plane is copied into a zero-padded one, and the convolution runs unpadded on it.
                    source = s + planeScratch + kernelScratch + destinationScratch;
                    CopyPadded(g, channels, src, channelStride, sourceRowStride, sourceColumnStride, source, pitch, (nint)paddedPlane);
                    (channelStride, sourceRowStride, sourceColumnStride) = ((nint)paddedPlane, pitch, 1);
                }

                // The output goes first to scratch where the destination's rows are not dense, or
                // where the narrow blocks write 32-column rows (for one plane into dense rows, only
                // their last band), and is copied out at the end.
                float* staged = narrow ? source + paddedScratch : denseRows ? null : s + planeScratch + kernelScratch;
                nint stagedPitch = narrow ? NarrowOctColumns * columnBlocks : ow;
                var args = new PlaneArgs
                {
                    SourceRowStride = sourceRowStride,
                    SourceColumnStride = sourceColumnStride,
                    Destination = staged != null ? staged : dst,
                    DestinationRowStride = staged != null ? stagedPitch : destinationStrides[0],
                    Bias = bias,
                    OneRowAtATime = oneRowAtATime,
                    ColumnOrder = columnOrder,
                    EdgeVectors = edgeVectors,
                };
                if (narrow && onePlaneDense)
                {
                    // One plane into dense rows: straight in, only the last band staged.
                    ConvolveNarrowOctInto(kh, source, pitch, weights, bias, bands, columnBlocks, dst, oh, ow, staged);
                    staged = null;
                }
                else if (narrow)
                {
                    ConvolveNarrowOct(kh, source, channels, (nint)paddedPlane, pitch, weights, bias, bands, columnBlocks, staged);
                }
                else if (tiny)
                {
                    Tiny3x3(g, channels, source, channelStride, sourceRowStride, sourceColumnStride, weights, bias, args.Destination, args.DestinationRowStride, s);
                }
                else
                {
                    // The first plane's call may sum every channel into the quads inside the image (3x3
                    // whole rows); the later planes then add only their edge rows.
                    bool interiorDone = false;
                    args.Channels = planeByPlane ? 1 : channels;
                    args.ChannelStride = channelStride;
                    args.InteriorDone = &interiorDone;
                    for (int c = 0; c < channels; c++)
                    {
                        args.Source = source + (c * channelStride);
                        args.Kernel = weights + ((nint)c * kh * kw);
                        args.Accumulate = c > 0;
                        ConvolvePlane(width, planeGeometry, args, s);
                    }
                }

                if (staged != null)
                {
                    CopyOut(staged, stagedPitch, oh, ow, dst, destinationStrides[0], destinationStrides[1]);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <summary>Copies <paramref name="count"/> (at least 16) floats in 512-bit vectors, the last one overlapping the one before.</summary>
    /// <remarks>
    /// Against <c>Buffer.MemoryCopy</c> per row, whose set-up is most of a short row's cost (Zen 5,
    /// stopwatch, median over 31 interleaved rounds; A/A in brackets): 28x28 5x5 0.920 (0.998), 28x28
    /// 7x7 0.918 (1.008), 22x22 7x7 0.942 (1.001); fastest 562 -> 515 ns and 761 -> 701 ns.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void CopyRow512(float* from, float* to, int count)
    {
        int x = 0;
        for (; x <= count - Vector512<float>.Count; x += Vector512<float>.Count)
        {
            Vector512.Load(from + x).Store(to + x);
        }

        if (x < count)
        {
            Vector512.Load(from + count - Vector512<float>.Count).Store(to + count - Vector512<float>.Count);
        }
    }

    /// <summary>Copies <paramref name="rows"/> rows of <paramref name="columns"/> floats, <paramref name="pitch"/> apart, into a destination with the given strides.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void CopyOut(float* from, nint pitch, int rows, int columns, float* to, nint rowStride, nint columnStride)
    {
        for (int y = 0; y < rows; y++, from += pitch, to += rowStride)
        {
            if (columnStride == 1)
            {
                if (Vector512.IsHardwareAccelerated && columns >= Vector512<float>.Count)
                {
                    CopyRow512(from, to, columns);
                    continue;
                }

                Buffer.MemoryCopy(from, to, columns * sizeof(float), columns * sizeof(float));
                continue;
            }

            for (int x = 0; x < columns; x++)
            {
                to[x * columnStride] = from[x];
            }
        }
    }

    /// <summary>
    /// Padded images of at most this many floats (all channels) convolved with kernels of 25 taps or
    /// more (5x5, 7x7) are copied into a zero-padded buffer and convolved without padding
    /// (<see cref="ConvGeometry.ForPaddedInput"/>); larger ones, and smaller kernels, mask their edges.
    /// </summary>
    /// <remarks>
    /// Stopwatch, fastest of 9, both ways on one build, twice, "same" padding, one channel: 28x28 5x5
    /// 1.02-1.05 -> 0.85-0.89 us, 7x7 1.58-1.64 -> 1.25-1.29 us; 56x56 7x7 4.44-4.45 -> 3.78-3.80 us,
    /// 5x5 even; 40x40 and 64x64 even; from 80x80 up slower (112x112 5x5 7.1-7.3 -> 8.4-8.6 us). 3x3
    /// gains nothing at 28x28 (0.58 both ways) and loses from 40x40 up (56x56 1.25 -> 1.43-1.52 us),
    /// its masked edges being cheap beside the copy.
    /// </remarks>
    internal const long PadCopyMaxFloats = 4096;

    /// <summary>
    /// The limit of <see cref="PadCopyMaxFloats"/> for 7x7 kernels on rows of fewer than
    /// <see cref="OctMinRow"/> outputs, where the 512-bit FMAs run at full rate
    /// (<see cref="SimdWidths.FullRate512"/>).
    /// </summary>
    /// <remarks>
    /// Zen 5, stopwatch, in-process A/B, fastest of 15, "same" padding, masked edges -> copy: one
    /// channel 60x60 3.30 -> 2.68 us, 64x64 3.59 -> 2.92, 72x72 4.77 -> 4.08, 79x79 5.39 -> 4.82; three
    /// channels 40x40 6.94 -> 5.14, 64x64 (14,700 padded floats) 11.22 -> 8.84, 72x72 14.95 -> 12.80;
    /// six channels 28x28 8.08 -> 5.27, 40x40 14.81 -> 10.82. From 80 columns the eight-row blocks,
    /// which need the padding masked, are faster (80x80: 4.02 us masked, 4.77 with the copy). 5x5 gains
    /// nothing there (one channel 64x64 2.34 -> 2.59 us, 72x72 3.04 -> 2.84; three channels 56x56
    /// 6.26 -> 5.62, 64x64 7.08 -> 7.49), so it keeps <see cref="PadCopyMaxFloats"/>. Since then, padded
    /// 5x5 and 7x7 planes of 17 to 79 columns and 8 rows or more take <see cref="UsesNarrowOct"/>
    /// before this rule, whatever their size; it still serves the planes under 17 columns or 8 rows.
    /// </remarks>
    internal const long PadCopyMaxFloatsFullRate7x7 = 16384;

    /// <summary>Whether a padded image of <paramref name="channels"/> planes is small enough to convolve from a zero-padded copy (<see cref="PadCopyMaxFloats"/>).</summary>
    internal static bool FitsPadCopy(in ConvGeometry g, int channels)
    {
        long limit = g.KernelHeight == 7 && g.KernelWidth == 7 && g.OutputWidth < OctMinRow && SimdWidths.FullRate512
            ? PadCopyMaxFloatsFullRate7x7
            : PadCopyMaxFloats;
        return g.PaddedHeight <= limit && g.PaddedWidth <= limit && (long)g.PaddedHeight * g.PaddedWidth * channels <= limit;
    }

    /// <summary>
    /// Copies <paramref name="channels"/> planes of the image into <paramref name="to"/>, each
    /// <paramref name="plane"/> floats of rows <paramref name="pitch"/> apart, all zero but the image's
    /// rows at <c>(PadTop, PadLeft)</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void CopyPadded(in ConvGeometry g, int channels, float* image, nint channelStride, nint rowStride, nint columnStride, float* to, nint pitch, nint plane)
    {
        ZeroFloats(to, channels * plane);
        for (int c = 0; c < channels; c++)
        {
            Conv2DPlan.CopyIntoPaddedPlane(g, image + (c * channelStride), rowStride, columnStride, to + (c * plane) + (g.PadTop * pitch) + g.PadLeft, pitch);
        }
    }

    /// <summary>
    /// Zeroes <paramref name="count"/> floats with vector stores. The padded copies are a few KB, where
    /// <c>NativeMemory.Clear</c>'s <c>rep stosb</c> costs more to start than the stores take (Zen 5,
    /// stopwatch, in-process A/B, fastest of 15: 28x28 3x3 274 -> 251 ns, 20x20 3x3 228 -> 214, 28x28
    /// 5x5 576 -> 565, 64x64 7x7 3,051 -> 3,003). Zeroing only the borders, each row's gap after its
    /// copy, measured slower (median over 31 interleaved rounds: 28x28 3x3 1.120, 5x5 1.092, 7x7 1.043,
    /// 20x20 3x3 1.144; A/A 0.98-1.01).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void ZeroFloats(float* to, nint count)
    {
        nint i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= count - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float>.Zero.Store(to + i);
            }
        }

        for (; i < count; i++)
        {
            to[i] = 0;
        }
    }

    /// <summary>Copies a strided <c>[kh, kw]</c> or <c>[C, kh, kw]</c> kernel into dense order.</summary>
    private static unsafe void GatherKernel(float* kernel, ReadOnlySpan<nint> lengths, ReadOnlySpan<nint> strides, float* to)
    {
        int rank = lengths.Length;
        nint channels = rank == 3 ? lengths[0] : 1, channelStride = rank == 3 ? strides[0] : 0;
        nint rows = lengths[^2], columns = lengths[^1], rowStride = strides[^2], columnStride = strides[^1];
        for (nint c = 0; c < channels; c++)
        {
            for (nint y = 0; y < rows; y++)
            {
                for (nint x = 0; x < columns; x++)
                {
                    *to++ = kernel[(c * channelStride) + (y * rowStride) + (x * columnStride)];
                }
            }
        }
    }
}
