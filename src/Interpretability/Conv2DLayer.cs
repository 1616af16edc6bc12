using Interpretability.Onnx;

namespace Interpretability;

/// <summary>
/// A 2-D ONNX <c>Conv</c> node whose kernel is a constant of shape
/// <c>[filters, inputChannels / group, kernelHeight, kernelWidth]</c> (ONNX order; Keras'
/// <c>Conv2D</c> stores the same kernel as <c>[kernelHeight, kernelWidth, inputChannels, filters]</c>).
/// </summary>
public sealed class Conv2DLayer : Layer
{
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
}
