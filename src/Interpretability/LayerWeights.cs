using System.Collections;
using System.Numerics.Tensors;

namespace Interpretability;

/// <summary>The constant inputs of a layer, in ONNX input order.</summary>
public sealed class LayerWeights : IReadOnlyList<Tensor<float>>
{
    private readonly Tensor<float>[] _weights;

    internal LayerWeights(Tensor<float>[] weights) => _weights = weights;

    /// <summary>The first weight.</summary>
    public Tensor<float> Kernel => _weights[0];

    /// <summary>The second weight, or null.</summary>
    public Tensor<float>? Bias => _weights.Length > 1 ? _weights[1] : null;

    /// <inheritdoc/>
    public int Count => _weights.Length;

    /// <inheritdoc/>
    public Tensor<float> this[int index] => _weights[index];

    /// <inheritdoc/>
    public IEnumerator<Tensor<float>> GetEnumerator() => ((IEnumerable<Tensor<float>>)_weights).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
