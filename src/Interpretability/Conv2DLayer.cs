using System.Numerics.Tensors;
using Interpretability.Onnx;

namespace Interpretability;

/// <summary>
/// A 2-D ONNX <c>Conv</c> node whose kernel is a constant of shape
/// <c>[filters, inputChannels / group, kernelHeight, kernelWidth]</c> (ONNX order; Keras'
/// <c>Conv2D</c> stores the same kernel as <c>[kernelHeight, kernelWidth, inputChannels, filters]</c>).
/// </summary>
public sealed class Conv2DLayer : Layer
{
    private Conv2DPlan? _plan;

    internal Conv2DLayer(LayerDefinition definition, ConvolutionOptions options, long[] kernelDims)
        : base(definition)
    {
        Options = options;
        Filters = checked((int)kernelDims[0]);
        InputChannels = checked((int)(kernelDims[1] * options.Group));
        KernelSize = (checked((int)kernelDims[2]), checked((int)kernelDims[3]));
        HasBias = definition.Weights.Length > 1;
    }

    /// <summary>The convolution's attributes (strides, pads, dilations, group, auto_pad), ONNX defaults applied.</summary>
    public ConvolutionOptions Options { get; }

    /// <summary>Number of kernels (output channels).</summary>
    public int Filters { get; }

    /// <summary>Number of input channels the layer expects.</summary>
    public int InputChannels { get; }

    /// <summary>Kernel rows and columns.</summary>
    public (int Height, int Width) KernelSize { get; }

    /// <summary>True when the node has a bias input.</summary>
    public bool HasBias { get; }

    /// <summary>The layer's weights packed for <see cref="Apply(Tensor{float})"/>, once, on first use.</summary>
    private Conv2DPlan Plan => LazyInitializer.EnsureInitialized(ref _plan, () =>
    {
        var weights = GetWeights();
        return new Conv2DPlan(weights.Kernel, weights.Bias, Options);
    });

    /// <summary>
    /// Applies this layer to an input with its own weights, bias and options: what the network
    /// computes at this node (before any activation function that follows it). The weights are
    /// packed once, on the first call.
    /// </summary>
    /// <param name="input"><c>[C, H, W]</c> or a batch <c>[N, C, H, W]</c> with C = <see cref="InputChannels"/>.</param>
    /// <returns><c>[Filters, OH, OW]</c> or <c>[N, Filters, OH, OW]</c>.</returns>
    /// <exception cref="ArgumentException">The input's rank or channel count is wrong, or it is smaller than the kernel.</exception>
    public Tensor<float> Apply(Tensor<float> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Plan.Run(input);
    }

    /// <summary>Applies this layer into the caller's buffer (sized with <see cref="GetOutputShape"/>); allocates nothing once warmed up.</summary>
    /// <param name="input"><c>[C, H, W]</c> or <c>[N, C, H, W]</c>.</param>
    /// <param name="destination">Receives the feature maps; must not overlap the input.</param>
    /// <exception cref="ArgumentException">The input or destination has the wrong shape, or they overlap.</exception>
    public void Apply(ReadOnlyTensorSpan<float> input, in TensorSpan<float> destination) => Plan.Run(input, destination);

    /// <summary>The shape <see cref="Apply(Tensor{float})"/> returns for an input of the given lengths.</summary>
    /// <param name="inputLengths"><c>[C, H, W]</c> or <c>[N, C, H, W]</c>.</param>
    /// <returns><c>[Filters, OH, OW]</c> or <c>[N, Filters, OH, OW]</c>.</returns>
    /// <exception cref="ArgumentException">The input shape does not fit the layer.</exception>
    public nint[] GetOutputShape(ReadOnlySpan<nint> inputLengths) => Plan.GetOutputShape(inputLengths);
}
