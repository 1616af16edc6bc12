using Interpretability.Internals;

namespace Interpretability;

/// <summary>
/// The attributes of a 2-D convolution with ONNX <c>Conv</c> semantics: strides, zero padding,
/// dilations, groups and <c>auto_pad</c>. Immutable; change a copy with <c>with</c>.
/// </summary>
/// <remarks>
/// The defaults are ONNX's: stride 1, no padding, dilation 1, one group, explicit pads.
/// <c>Pads</c> uses ONNX's order for two spatial axes: <c>[top, left, bottom, right]</c>
/// (ONNX <c>[x1_begin, x2_begin, x1_end, x2_end]</c>).
/// </remarks>
public sealed record ConvolutionOptions
{
    private readonly (int Y, int X) _strides = (1, 1);
    private readonly (int Top, int Left, int Bottom, int Right) _pads;
    private readonly (int Y, int X) _dilations = (1, 1);
    private readonly int _group = 1;
    private readonly AutoPad _autoPad;

    /// <summary>ONNX's defaults: stride 1, no padding, dilation 1, one group.</summary>
    public static ConvolutionOptions Default { get; } = new();

    /// <summary>Step between two output positions, vertically and horizontally. Both must be positive.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A stride is zero or negative.</exception>
    public (int Y, int X) Strides
    {
        get => _strides;
        init => _strides = Guard.Positive(value, nameof(Strides));
    }

    /// <summary>Zero padding added to each side, in ONNX order (top, left, bottom, right). Used only when <see cref="AutoPad"/> is <see cref="Interpretability.AutoPad.NotSet"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A pad is negative.</exception>
    public (int Top, int Left, int Bottom, int Right) Pads
    {
        get => _pads;
        init => _pads = Guard.NonNegative(value, nameof(Pads));
    }

    /// <summary>Spacing between kernel taps, vertically and horizontally (1 = dense kernel). Both must be positive.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dilation is zero or negative.</exception>
    public (int Y, int X) Dilations
    {
        get => _dilations;
        init => _dilations = Guard.Positive(value, nameof(Dilations));
    }

    /// <summary>
    /// Number of groups the input and output channels are split into (1 = ordinary convolution,
    /// input channels = depthwise). Must be positive and divide both channel counts.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The group count is zero or negative.</exception>
    public int Group
    {
        get => _group;
        init => _group = value > 0 ? value : ThrowHelper.ThrowArgumentOutOfRange<int>(nameof(Group), value, "Group must be at least 1.");
    }

    /// <summary>Automatic padding (ONNX <c>auto_pad</c>); when set, it overrides <see cref="Pads"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="Interpretability.AutoPad"/>.</exception>
    public AutoPad AutoPad
    {
        get => _autoPad;
        init => _autoPad = Enum.IsDefined(value) ? value : ThrowHelper.ThrowArgumentOutOfRange<AutoPad>(nameof(AutoPad), value, "Use NotSet, SameUpper, SameLower or Valid.");
    }

    /// <summary>Options with the same zero padding on every side.</summary>
    /// <param name="padding">Rows and columns of zeros added on each side; zero or more.</param>
    public static ConvolutionOptions WithPadding(int padding) => new() { Pads = (padding, padding, padding, padding) };

    /// <summary>Options with ONNX <c>SAME_UPPER</c> padding (the output has the input's size at stride 1), like Keras <c>padding="same"</c>.</summary>
    public static ConvolutionOptions Same { get; } = new() { AutoPad = AutoPad.SameUpper };

    /// <summary>
    /// The padding actually applied to an input of the given size, after <see cref="AutoPad"/> is
    /// resolved as ONNX does.
    /// </summary>
    /// <param name="inputHeight">Input rows.</param>
    /// <param name="inputWidth">Input columns.</param>
    /// <param name="kernelHeight">Kernel rows, before dilation.</param>
    /// <param name="kernelWidth">Kernel columns, before dilation.</param>
    /// <returns>Zero rows or columns on each side, in ONNX order.</returns>
    public (int Top, int Left, int Bottom, int Right) ResolvePads(int inputHeight, int inputWidth, int kernelHeight, int kernelWidth)
    {
        switch (AutoPad)
        {
            case AutoPad.Valid:
                return (0, 0, 0, 0);
            case AutoPad.SameUpper:
            case AutoPad.SameLower:
                var (top, bottom) = SamePads(inputHeight, kernelHeight, Strides.Y, Dilations.Y, AutoPad == AutoPad.SameUpper);
                var (left, right) = SamePads(inputWidth, kernelWidth, Strides.X, Dilations.X, AutoPad == AutoPad.SameUpper);
                return (top, left, bottom, right);
            default:
                return Pads;
        }
    }

    /// <summary>
    /// The output size of this convolution for an input and kernel of the given sizes, or
    /// (0, 0) or less along an axis where the dilated kernel does not fit in the padded input.
    /// </summary>
    /// <param name="inputHeight">Input rows.</param>
    /// <param name="inputWidth">Input columns.</param>
    /// <param name="kernelHeight">Kernel rows, before dilation.</param>
    /// <param name="kernelWidth">Kernel columns, before dilation.</param>
    /// <returns>Output rows and columns: <c>floor((input + padBegin + padEnd - dilation * (kernel - 1) - 1) / stride) + 1</c>.</returns>
    public (int Height, int Width) GetOutputSize(int inputHeight, int inputWidth, int kernelHeight, int kernelWidth)
    {
        var (top, left, bottom, right) = ResolvePads(inputHeight, inputWidth, kernelHeight, kernelWidth);
        return (OutputLength(inputHeight + (long)top + bottom, kernelHeight, Strides.Y, Dilations.Y),
                OutputLength(inputWidth + (long)left + right, kernelWidth, Strides.X, Dilations.X));
    }

    private static int OutputLength(long paddedInput, int kernel, int stride, int dilation)
    {
        long span = ((long)kernel - 1) * dilation + 1;
        if (paddedInput < span)
        {
            return 0;
        }

        return (int)Math.Min(int.MaxValue, ((paddedInput - span) / stride) + 1);
    }

    private static (int Begin, int End) SamePads(int input, int kernel, int stride, int dilation, bool upper)
    {
        // ONNX: output = ceil(input / stride); total = max(0, (output - 1) * stride + (kernel - 1) * dilation + 1 - input).
        long output = ((long)input + stride - 1) / stride;
        long total = Math.Max(0, ((output - 1) * stride) + (((long)kernel - 1) * dilation) + 1 - input);
        long small = total / 2;
        long large = total - small;
        return upper ? ((int)small, (int)large) : ((int)large, (int)small);
    }
}
