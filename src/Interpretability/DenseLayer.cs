using Interpretability.Onnx;

namespace Interpretability;

/// <summary>
/// A fully connected layer: an ONNX <c>Gemm</c> node (<c>Y = alpha * A' * B' + beta * C</c>) or a
/// <c>MatMul</c> by a constant 2-D matrix. Keras' <c>Dense</c> and PyTorch's <c>nn.Linear</c> export
/// as these.
/// </summary>
/// <remarks>
/// <see cref="Layer.GetWeights"/> returns B and C exactly as stored. PyTorch stores B as
/// <c>[units, inputs]</c> with <see cref="TransposeB"/> set; Keras' kernel is <c>[inputs, units]</c>;
/// <see cref="LayerWeights.InKerasOrder"/> gives the Keras layout either way.
/// </remarks>
public sealed class DenseLayer : Layer
{
    internal DenseLayer(LayerDefinition definition, bool transposeA, bool transposeB, float alpha, float beta, long[] weightDims)
        : base(definition)
    {
        TransposeA = transposeA;
        TransposeB = transposeB;
        Alpha = alpha;
        Beta = beta;
        Units = checked((int)(transposeB ? weightDims[0] : weightDims[1]));
        InputFeatures = checked((int)(transposeB ? weightDims[1] : weightDims[0]));
    }

    /// <summary>Gemm's <c>transA</c>: the input is transposed first.</summary>
    public bool TransposeA { get; }

    /// <summary>Gemm's <c>transB</c>: the stored weight matrix is <c>[units, inputs]</c> and is transposed when applied.</summary>
    public bool TransposeB { get; }

    /// <summary>Gemm's <c>alpha</c> (1 for MatMul).</summary>
    public float Alpha { get; }

    /// <summary>Gemm's <c>beta</c>, the bias multiplier (1 by default; 0 for MatMul, which has no bias).</summary>
    public float Beta { get; }

    /// <summary>Number of outputs.</summary>
    public int Units { get; }

    /// <summary>Number of inputs.</summary>
    public int InputFeatures { get; }
}
