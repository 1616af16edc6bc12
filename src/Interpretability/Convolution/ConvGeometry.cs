namespace Interpretability;

/// <summary>
/// The sizes of one 2-D convolution after <see cref="ConvolutionOptions.AutoPad"/> is resolved:
/// input, kernel, strides, dilations, pads and output, plus the layout of the zero-padded,
/// stride-split rows the kernels read.
/// </summary>
/// <remarks>
/// <para>
/// Padded coordinates: padded column <c>xp</c> is input column <c>xp - PadLeft</c> (zero outside
/// the input). Output column <c>x</c>, kernel column <c>kx</c> reads padded column
/// <c>x * StrideX + kx * DilationX</c>.
/// </para>
/// <para>
/// Stride split ("phases"): a padded row is stored as <c>StrideX</c> sub-rows of
/// <see cref="PhaseWidth"/> floats, sub-row <c>xp % StrideX</c> holding padded column <c>xp</c> at
/// index <c>xp / StrideX</c>. Then output column <c>x</c> reads index
/// <c>x + (kx * DilationX) / StrideX</c> of sub-row <c>(kx * DilationX) % StrideX</c>: consecutive
/// outputs read consecutive floats, so every stride runs the unit-stride vector kernels. Rows are
/// split the same way vertically when a whole image is packed (<see cref="Conv2DPlan"/>).
/// </para>
/// </remarks>
internal readonly struct ConvGeometry
{
    public ConvGeometry(int inputHeight, int inputWidth, int kernelHeight, int kernelWidth, ConvolutionOptions options)
    {
        InputHeight = inputHeight;
        InputWidth = inputWidth;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        (StrideY, StrideX) = options.Strides;
        (DilationY, DilationX) = options.Dilations;
        (PadTop, PadLeft, PadBottom, PadRight) = options.ResolvePads(inputHeight, inputWidth, kernelHeight, kernelWidth);
        (OutputHeight, OutputWidth) = options.GetOutputSize(inputHeight, inputWidth, kernelHeight, kernelWidth);
        PaddedHeight = (long)inputHeight + PadTop + PadBottom;
        PaddedWidth = (long)inputWidth + PadLeft + PadRight;
        PhaseHeight = (PaddedHeight + StrideY - 1) / StrideY;
        PhaseWidth = (PaddedWidth + StrideX - 1) / StrideX;
    }

    private ConvGeometry(in ConvGeometry g, int inputHeight, int inputWidth)
    {
        this = g;
        InputHeight = inputHeight;
        InputWidth = inputWidth;
        PadTop = PadLeft = PadBottom = PadRight = 0;
        PaddedHeight = inputHeight;
        PaddedWidth = inputWidth;
        PhaseHeight = (PaddedHeight + StrideY - 1) / StrideY;
        PhaseWidth = (PaddedWidth + StrideX - 1) / StrideX;
    }

    public int InputHeight { get; }

    public int InputWidth { get; }

    public int KernelHeight { get; }

    public int KernelWidth { get; }

    public int StrideY { get; }

    public int StrideX { get; }

    public int DilationY { get; }

    public int DilationX { get; }

    public int PadTop { get; }

    public int PadLeft { get; }

    public int PadBottom { get; }

    public int PadRight { get; }

    public int OutputHeight { get; }

    public int OutputWidth { get; }

    /// <summary>Input rows plus top and bottom padding.</summary>
    public long PaddedHeight { get; }

    /// <summary>Input columns plus left and right padding.</summary>
    public long PaddedWidth { get; }

    /// <summary>Rows of one vertical stride phase: <c>ceil(PaddedHeight / StrideY)</c>.</summary>
    public long PhaseHeight { get; }

    /// <summary>Floats in one horizontal stride phase of a padded row: <c>ceil(PaddedWidth / StrideX)</c>.</summary>
    public long PhaseWidth { get; }

    /// <summary>Floats in one padded, stride-split row: <c>StrideX * PhaseWidth</c>.</summary>
    public long SplitRowLength => StrideX * PhaseWidth;

    /// <summary>Input rows one output row depends on, first to last: <c>(KernelHeight - 1) * DilationY + 1</c>.</summary>
    public int RowSpan => ((KernelHeight - 1) * DilationY) + 1;

    /// <summary>Kernel taps per input channel.</summary>
    public int Taps => KernelHeight * KernelWidth;

    /// <summary>Where kernel column <paramref name="kx"/> reads in a stride-split row, relative to the output column.</summary>
    public long SplitColumnOffset(int kx)
    {
        long column = (long)kx * DilationX;
        return ((column % StrideX) * PhaseWidth) + (column / StrideX);
    }

    /// <summary>The same convolution applied to the zero-padded input: input size = padded size, no padding, same output.</summary>
    public ConvGeometry ForPaddedInput() => new(this, (int)PaddedHeight, (int)PaddedWidth);

    /// <summary>Multiply-adds of one output plane per input channel: <c>OutputHeight * OutputWidth * Taps</c>.</summary>
    public long MultiplyAddsPerPlane => (long)OutputHeight * OutputWidth * Taps;
}
