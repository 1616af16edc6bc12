using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Numerics.Tensors;
using Interpretability.Internals;

namespace Interpretability;

/// <summary>
/// A Conv layer ready to run: weights and bias packed once, the algorithm chosen once. Immutable and
/// thread-safe; <see cref="Convolution.Conv2D"/> builds one per call.
/// </summary>
/// <remarks>
/// <para>
/// For the integrator: a <c>Conv2DLayer</c> convenience that applies the layer with its own weights
/// should build <c>new Conv2DPlan(weights.Kernel, weights.Bias, layer.Options)</c> once (lazily, and
/// cache it on the layer), then call <see cref="Run(Tensor{float})"/> for a new tensor, or
/// <see cref="Run(ReadOnlyTensorSpan{float}, in TensorSpan{float})"/> to write into a caller's buffer;
/// <see cref="GetOutputShape"/> sizes that buffer. Inputs are <c>[C, H, W]</c> or <c>[N, C, H, W]</c>.
/// </para>
/// <para>Algorithms (see <see cref="Conv2DAlgorithm"/>): depthwise, pointwise (1x1) and packed (general).</para>
/// </remarks>
internal sealed partial class Conv2DPlan
{
    /// <summary>Output channels per micro-kernel step; packed weights come in blocks of this many.</summary>
    internal const int BlockChannels = 8;

    /// <summary>
    /// One input channel per group runs one direct convolution per output channel when a group has
    /// at most this many output channels. Measured in Conv2DAlgorithmBench (single thread): direct
    /// is 5.3x, 2.6x, 1.6x faster than packed for 1, 2, 4 outputs per group at 64 channels of 56x56,
    /// even at 8 (0.96-1.04x), and 1.2x faster for 1 -> 16 at 224x224.
    /// </summary>
    internal const int DepthwiseMaxOutputsPerGroup = 16;

    private readonly float[] _weights;  // Depthwise: [O, kh * kw]; otherwise [group][block][C/group][kh * kw][BlockChannels]
    private readonly float[] _bias;     // Depthwise: [O]; otherwise [group][block][BlockChannels]
    private readonly SimdWidth _width;

    /// <summary>Packs a layer's weights.</summary>
    /// <param name="weights"><c>[O, C / group, kh, kw]</c>, any strides.</param>
    /// <param name="bias"><c>[O]</c> or null.</param>
    /// <param name="options">The layer's attributes; null for ONNX's defaults.</param>
    /// <param name="width">The SIMD width to run at; null for the widest the machine has (tests force each).</param>
    /// <param name="algorithm">Forces an algorithm (benchmarks compare them); null chooses by shape.</param>
    public Conv2DPlan(Tensor<float> weights, Tensor<float>? bias, ConvolutionOptions? options, SimdWidth? width = null, Conv2DAlgorithm? algorithm = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        Options = options ?? ConvolutionOptions.Default;
        Convolution.Errors.CheckConv2DWeights(weights.Lengths, bias is null ? default : bias.Lengths, bias is not null, Options);
        _width = width ?? SimdWidths.Best;
        OutputChannels = (int)weights.Lengths[0];
        GroupChannels = (int)weights.Lengths[1];
        KernelHeight = (int)weights.Lengths[2];
        KernelWidth = (int)weights.Lengths[3];
        Group = Options.Group;
        GroupOutputs = OutputChannels / Group;
        Algorithm = GroupChannels == 1 && GroupOutputs <= DepthwiseMaxOutputsPerGroup ? Conv2DAlgorithm.Depthwise
            : KernelHeight == 1 && KernelWidth == 1 && Options.Strides == (1, 1) && (Options.AutoPad != AutoPad.NotSet || Options.Pads == (0, 0, 0, 0)) ? Conv2DAlgorithm.Pointwise
            : Conv2DAlgorithm.Packed;
        if (algorithm is { } forced)
        {
            bool possible = forced == Conv2DAlgorithm.Packed
                || (forced == Conv2DAlgorithm.Depthwise && GroupChannels == 1)
                || (forced == Conv2DAlgorithm.Pointwise && KernelHeight == 1 && KernelWidth == 1 && Options.Strides == (1, 1) && (Options.AutoPad != AutoPad.NotSet || Options.Pads == (0, 0, 0, 0)));
            Algorithm = possible ? forced : ThrowHelper.ThrowArgument<Conv2DAlgorithm>(nameof(algorithm), $"{forced} cannot run this layer.");
        }

        var dense = new float[weights.FlattenedLength];
        weights.FlattenTo(dense);
        var denseBias = new float[OutputChannels];
        bias?.FlattenTo(denseBias);
        if (Algorithm == Conv2DAlgorithm.Depthwise)
        {
            _weights = dense;
            _bias = denseBias;
        }
        else
        {
            (_weights, _bias) = PackWeights(dense, denseBias);
        }
    }

    /// <summary>The layer's attributes.</summary>
    public ConvolutionOptions Options { get; }

    /// <summary>O.</summary>
    public int OutputChannels { get; }

    /// <summary>Input channels per group: C / group.</summary>
    public int GroupChannels { get; }

    /// <summary>Output channels per group: O / group.</summary>
    public int GroupOutputs { get; }

    /// <summary>The group count.</summary>
    public int Group { get; }

    /// <summary>kh.</summary>
    public int KernelHeight { get; }

    /// <summary>kw.</summary>
    public int KernelWidth { get; }

    /// <summary>How this plan computes the layer.</summary>
    public Conv2DAlgorithm Algorithm { get; }

    /// <summary>Threads a run may use: -1 (default) decides by the work size, 1 forces a single thread (benchmarks).</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>
    /// Multiply-adds per worker below which a run stays single-threaded: 3.5 M by default, measured where
    /// each logical processor has its own FPUs. Where logical processors share a core's FPUs (SMT
    /// siblings, as on some 2-vCPU cloud machines), two threads gain nothing below about 32 M per worker.
    /// </summary>
    public long ParallelThreshold { get; init; } = ParallelMinMultiplyAdds;

    /// <summary>Blocks of <see cref="BlockChannels"/> output channels per group.</summary>
    private int Blocks => (GroupOutputs + BlockChannels - 1) / BlockChannels;

    /// <summary>The output shape for an input of these lengths (<c>[C, H, W]</c> or <c>[N, C, H, W]</c>).</summary>
    /// <exception cref="ArgumentException">The input does not fit the weights.</exception>
    public nint[] GetOutputShape(ReadOnlySpan<nint> inputLengths)
    {
        var g = Check(inputLengths);
        return inputLengths.Length == 4
            ? [inputLengths[0], OutputChannels, g.OutputHeight, g.OutputWidth]
            : [OutputChannels, g.OutputHeight, g.OutputWidth];
    }

    /// <summary>Runs the layer on <c>[C, H, W]</c> or <c>[N, C, H, W]</c> into a new tensor.</summary>
    public Tensor<float> Run(Tensor<float> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var result = Tensor.CreateFromShapeUninitialized<float>(GetOutputShape(input.Lengths));
        Run(input.AsReadOnlyTensorSpan(), result.AsTensorSpan());
        return result;
    }

    /// <summary>Runs the layer on <c>[C, H, W]</c> or <c>[N, C, H, W]</c> into <paramref name="destination"/> (the shape <see cref="GetOutputShape"/> gives, any strides, not overlapping the input).</summary>
    public unsafe void Run(ReadOnlyTensorSpan<float> input, in TensorSpan<float> destination)
    {
        var g = Check(input.Lengths);
        Span<nint> expected = [input.Rank == 4 ? input.Lengths[0] : 1, OutputChannels, g.OutputHeight, g.OutputWidth];
        Convolution.Errors.CheckDestination(destination.Lengths, input.Rank == 4 ? expected : expected[1..]);

        int batch = input.Rank == 4 ? (int)input.Lengths[0] : 1;
        var inputStrides = input.Strides;
        var destinationStrides = destination.Strides;
        var layout = new InputLayout(
            input.Rank == 4 ? inputStrides[0] : 0,
            inputStrides[^3],
            inputStrides[^2],
            inputStrides[^1]);
        long planeLength = (long)g.OutputHeight * g.OutputWidth;
        bool denseDestination = destination.IsDense;
        float[]? staging = denseDestination ? null : ArrayPool<float>.Shared.Rent(checked((int)(batch * OutputChannels * planeLength)));
        try
        {
            fixed (float* src = input)
            fixed (float* dst = destination)
            fixed (float* stage = staging)
            {
                Convolution.Errors.CheckNoOverlap(dst, Convolution.Errors.Extent(destination.Lengths, destinationStrides), src, Convolution.Errors.Extent(input.Lengths, inputStrides), "input");
                float* output = denseDestination ? dst : stage;
                for (int n = 0; n < batch; n++)
                {
                    Run(g, src + (n * layout.Batch), layout, output + (n * OutputChannels * planeLength));
                }

                if (!denseDestination)
                {
                    var dense = new ReadOnlyTensorSpan<float>(stage, batch * OutputChannels * (nint)planeLength, destination.Lengths);
                    dense.CopyTo(destination);
                }
            }
        }
        finally
        {
            if (staging is not null)
            {
                ArrayPool<float>.Shared.Return(staging);
            }
        }
    }

    /// <summary>
    /// Multiply-adds per worker below which a run stays on the calling thread.
    /// </summary>
    /// <remarks>
    /// Measured in ParallelThresholdBench (one thread against two, 3x3 layers) on two 2-vCPU machines.
    /// On the Zen 5 machine, whose two vCPUs have FPUs of their own, two threads took 0.56-0.57x the
    /// time of one at 116 M and 29 M multiply-adds, 0.73x at 7.2 M (64 to 64 channels, 14x14) and
    /// 0.60x for a 7.2 M depthwise layer, and lost below that on dense layers (1.8 M: 1.62x; 0.5 M:
    /// 1.30x); a 1.8 M depthwise layer still gained (0.57x) and is given up. So a layer is split
    /// once every worker gets 3.5 M. On the earlier Zen 4 machine, whose two vCPUs shared one core's
    /// FPUs, two threads were 1.06-1.57x slower than one below 29 M and even from 29 M to 116 M: where
    /// the logical processors are such siblings, set <see cref="MaxDegreeOfParallelism"/> to 1 or
    /// raise <see cref="ParallelThreshold"/> (32 M per worker loses nothing there).
    /// </remarks>
    internal const long ParallelMinMultiplyAdds = 3_500_000;

    /// <summary>Multiply-adds of one image: <c>O * OH * OW * (C / group) * kh * kw</c>.</summary>
    private long MultiplyAdds(in ConvGeometry g) => (long)OutputChannels * g.OutputHeight * g.OutputWidth * GroupChannels * g.Taps;

    /// <summary>Threads for a run of this much work split into at most <paramref name="items"/> pieces.</summary>
    private int Workers(long multiplyAdds, long items)
    {
        int limit = MaxDegreeOfParallelism < 1 ? Environment.ProcessorCount : MaxDegreeOfParallelism;
        return (int)Math.Max(1, Math.Min(Math.Min(limit, items), multiplyAdds / Math.Max(1, ParallelThreshold)));
    }

    private ConvGeometry Check(ReadOnlySpan<nint> inputLengths) =>
        Convolution.Errors.CheckConv2DInput(inputLengths, GroupChannels, KernelHeight, KernelWidth, Options);

    /// <summary>One image: <c>[C, H, W]</c> at <paramref name="input"/> into dense <c>[O, OH, OW]</c> at <paramref name="output"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void Run(in ConvGeometry g, float* input, in InputLayout layout, float* output)
    {
        switch (Algorithm)
        {
            case Conv2DAlgorithm.Depthwise:
                RunDepthwise(g, input, layout, output);
                break;
            case Conv2DAlgorithm.Pointwise when layout.Column == 1 && layout.Row == g.InputWidth && (long)g.InputHeight * g.InputWidth >= BlockPositions(_width):
                RunPointwise(g, input, layout, output);
                break;
            default:
                RunPacked(g, input, layout, output);
                break;
        }
    }

    /// <summary>
    /// One direct convolution per output channel. At unit strides with padding, each input plane is
    /// first copied into a small zero-padded plane that stays in L1 (its border is zeroed once per
    /// run and never written again), so the kernels run with no border handling at all; otherwise
    /// each plane pads its own rows (<see cref="Convolution.ConvolvePlane"/>). Small padded planes at
    /// full rate run in eight-row blocks instead (<see cref="RunDepthwiseNarrow"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void RunDepthwise(in ConvGeometry g, float* input, in InputLayout layout, float* output)
    {
        var job = new DepthwiseJob((nint)input, layout.Channel, layout.Row, layout.Column, (nint)output);
        int workers = Workers(MultiplyAdds(g), OutputChannels);
        if (workers == 1)
        {
            RunDepthwise(g, job, 0, OutputChannels);
            return;
        }

        RunDepthwiseParallel(g, job, workers);
    }

    /// <summary>Splits the output channels across threads (a method of its own so the closure is allocated only then).</summary>
    private void RunDepthwiseParallel(ConvGeometry g, DepthwiseJob job, int workers) =>
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
            RunDepthwise(g, job, OutputChannels * worker / workers, OutputChannels * (worker + 1) / workers));

    /// <summary>Output channels <c>[first, end)</c> of a depthwise run, with scratch of its own.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void RunDepthwise(in ConvGeometry g, in DepthwiseJob job, int first, int end)
    {
        if (Convolution.UsesNarrowOct(_width, g, direct: true))
        {
            RunDepthwiseNarrow(g, job, first, end);
            return;
        }

        bool pad = g.StrideX == 1 && g.StrideY == 1 && (g.PadTop | g.PadLeft | g.PadBottom | g.PadRight) != 0;
        var planeGeometry = pad ? g.ForPaddedInput() : g;
        long padded = pad ? g.PaddedHeight * g.PaddedWidth : 0;
        long scratchLength = Convolution.PlaneScratchLength(planeGeometry);
        float[] scratch = ArrayPool<float>.Shared.Rent(checked((int)(scratchLength + padded)));
        try
        {
            fixed (float* s = scratch)
            fixed (float* w = _weights)
            {
                float* plane = s + scratchLength;
                nint paddedWidth = (nint)g.PaddedWidth;
                if (pad)
                {
                    NativeMemory.Clear(plane, (nuint)padded * sizeof(float));
                }

                long outputPlane = (long)g.OutputHeight * g.OutputWidth;
                var args = new Convolution.PlaneArgs
                {
                    SourceRowStride = pad ? paddedWidth : job.Row,
                    SourceColumnStride = pad ? 1 : job.Column,
                    DestinationRowStride = g.OutputWidth,
                };
                int copiedChannel = -1;
                for (int o = first; o < end; o++)
                {
                    int channel = o / GroupOutputs;
                    float* source = (float*)job.Input + (channel * job.Channel);
                    if (pad)
                    {
                        if (channel != copiedChannel)
                        {
                            CopyIntoPaddedPlane(g, source, job.Row, job.Column, plane + (g.PadTop * paddedWidth) + g.PadLeft, paddedWidth);
                            copiedChannel = channel;
                        }

                        source = plane;
                    }

                    args.Source = source;
                    args.Kernel = w + ((nint)o * g.Taps);
                    args.Destination = (float*)job.Output + (o * outputPlane);
                    args.Bias = _bias[o];
                    Convolution.ConvolvePlane(_width, planeGeometry, args, s);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// Output channels <c>[first, end)</c> of a depthwise run on small padded planes
    /// (<see cref="Convolution.UsesNarrowOct"/>): each input channel is copied once into a zero-padded
    /// plane of whole 32-column blocks, and each output channel is one run of eight-row blocks written
    /// straight into its output plane (<see cref="Convolution.ConvolveNarrowOctInto"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void RunDepthwiseNarrow(in ConvGeometry g, in DepthwiseJob job, int first, int end)
    {
        int k = g.KernelWidth, bands = (g.OutputHeight + 7) / 8, columnBlocks = Convolution.NarrowColumnBlocks(g);
        nint outputPitch = (nint)Convolution.NarrowOctColumns * columnBlocks, pitch = outputPitch + k - 1;
        long padded = pitch * ((8L * bands) + k - 1), staged = 8L * outputPitch;
        float[] scratch = ArrayPool<float>.Shared.Rent(checked((int)(padded + staged)));
        try
        {
            fixed (float* s = scratch)
            fixed (float* w = _weights)
            {
                float* plane = s, stage = s + padded;
                NativeMemory.Clear(plane, (nuint)padded * sizeof(float));
                long outputPlane = (long)g.OutputHeight * g.OutputWidth;
                int copiedChannel = -1;
                for (int o = first; o < end; o++)
                {
                    int channel = o / GroupOutputs;
                    if (channel != copiedChannel)
                    {
                        CopyIntoPaddedPlane(g, (float*)job.Input + (channel * job.Channel), job.Row, job.Column, plane + (g.PadTop * pitch) + g.PadLeft, pitch);
                        copiedChannel = channel;
                    }

                    Convolution.ConvolveNarrowOctInto(k, plane, pitch, w + ((nint)o * g.Taps), _bias[o], bands, columnBlocks, (float*)job.Output + (o * outputPlane), g.OutputHeight, g.OutputWidth, stage);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <summary>Copies an input plane's rows into the interior of a padded plane (row pitch <paramref name="pitch"/>).</summary>
    /// <remarks>
    /// Rows of 16 floats or more in 512-bit vectors, the last overlapping: against 256-bit ones, Zen 5,
    /// median over 31 interleaved rounds (A/A in brackets), <c>Convolve2D</c> 28x28 3x3 0.937 (0.990),
    /// 5x5 0.948 (0.991), 7x7 0.979, three channels of 28x28 3x3 0.942; depthwise 64 x 28x28 5x5 0.965
    /// and 0.959 (0.996, 1.008), 64 x 56x56 3x3 even.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void CopyIntoPaddedPlane(in ConvGeometry g, float* source, nint rowStride, nint columnStride, float* to, nint pitch)
    {
        int width = g.InputWidth;
        for (int y = 0; y < g.InputHeight; y++, source += rowStride, to += pitch)
        {
            if (columnStride != 1)
            {
                for (int x = 0; x < width; x++)
                {
                    to[x] = source[x * columnStride];
                }

                continue;
            }

            if (Vector512.IsHardwareAccelerated && width >= Vector512<float>.Count)
            {
                Convolution.CopyRow512(source, to, width);
                continue;
            }

            if (Vector256.IsHardwareAccelerated && width >= Vector256<float>.Count)
            {
                for (int i = 0; i <= width - Vector256<float>.Count; i += Vector256<float>.Count)
                {
                    Vector256.Load(source + i).Store(to + i);
                }

                // Overlapping last vector: recopies a few floats instead of a scalar tail.
                Vector256.Load(source + width - Vector256<float>.Count).Store(to + width - Vector256<float>.Count);
                continue;
            }

            for (int i = 0; i < width; i++)
            {
                to[i] = source[i];
            }
        }
    }

    /// <summary>What every worker of one depthwise run shares.</summary>
    private readonly record struct DepthwiseJob(nint Input, nint Channel, nint Row, nint Column, nint Output);

    /// <summary>Reorders dense <c>[O, C/G, kh, kw]</c> weights into <c>[G][block][C/G][kh*kw][BlockChannels]</c>, zero-filling the last block.</summary>
    private (float[] Weights, float[] Bias) PackWeights(float[] dense, float[] bias)
    {
        int taps = KernelHeight * KernelWidth;
        int perOutput = GroupChannels * taps;
        var weights = new float[(long)Group * Blocks * perOutput * BlockChannels];
        var packedBias = new float[Group * Blocks * BlockChannels];
        for (int group = 0; group < Group; group++)
        {
            for (int block = 0; block < Blocks; block++)
            {
                int blockIndex = (group * Blocks) + block;
                Span<float> to = weights.AsSpan(blockIndex * perOutput * BlockChannels, perOutput * BlockChannels);
                for (int lane = 0; lane < BlockChannels; lane++)
                {
                    int o = (block * BlockChannels) + lane;
                    if (o >= GroupOutputs)
                    {
                        break;
                    }

                    int outputChannel = (group * GroupOutputs) + o;
                    packedBias[(blockIndex * BlockChannels) + lane] = bias[outputChannel];
                    for (int k = 0; k < perOutput; k++)
                    {
                        to[(k * BlockChannels) + lane] = dense[(outputChannel * perOutput) + k];
                    }
                }
            }
        }

        return (weights, packedBias);
    }

    /// <summary>Strides of the input tensor, in elements.</summary>
    private readonly record struct InputLayout(nint Batch, nint Channel, nint Row, nint Column);

}
