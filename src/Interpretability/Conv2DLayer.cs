namespace Interpretability;

/// <summary>A 2-D ONNX Conv node.</summary>
public sealed class Conv2DLayer : Layer
{
    internal Conv2DLayer(string name, ConvolutionOptions options)
        : base(name, "Conv") => Options = options;

    /// <summary>The convolution's attributes, ONNX defaults applied.</summary>
    public ConvolutionOptions Options { get; }
}
