namespace Interpretability;

/// <summary>
/// How a convolution or pooling pads its input, as in ONNX's <c>auto_pad</c> attribute.
/// </summary>
public enum AutoPad
{
    /// <summary>Use the explicit <see cref="ConvolutionOptions.Pads"/> (ONNX <c>NOTSET</c>, the default).</summary>
    NotSet = 0,

    /// <summary>
    /// Pad so that the output size is <c>ceil(input / stride)</c>; when the total padding is odd the
    /// extra row or column goes at the end (bottom, right). ONNX <c>SAME_UPPER</c>, Keras and
    /// TensorFlow <c>padding="same"</c>.
    /// </summary>
    SameUpper = 1,

    /// <summary>As <see cref="SameUpper"/>, but the extra row or column goes at the beginning (top, left). ONNX <c>SAME_LOWER</c>.</summary>
    SameLower = 2,

    /// <summary>No padding at all; explicit pads are ignored. ONNX <c>VALID</c>, Keras <c>padding="valid"</c>.</summary>
    Valid = 3,
}
