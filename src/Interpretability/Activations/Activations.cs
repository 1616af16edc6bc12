using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Numerics.Tensors;
using Interpretability.Internals;

namespace Interpretability;

/// <summary>
/// The outputs of chosen layers for one input, as the network itself computed them with ONNX
/// Runtime: a feature map <c>[N, C, H, W]</c> per convolution, <c>[N, units]</c> per dense layer,
/// and so on, always with the batch axis. Keyed by <see cref="Layer"/>, and by layer name through
/// the string indexer. The tensors belong to the caller.
/// </summary>
[SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "\"Activations\" is the word users of Keras, Captum and keract know.")]
public sealed class Activations : IReadOnlyDictionary<Layer, Tensor<float>>
{
    private readonly Dictionary<Layer, Tensor<float>> _byLayer;
    private readonly Model _model;

    internal Activations(Model model, Dictionary<Layer, Tensor<float>> byLayer, IReadOnlyList<Tensor<float>> outputs)
    {
        _model = model;
        _byLayer = byLayer;
        Outputs = outputs;
    }

    /// <summary>The model's own outputs for the same run (its predictions), in <see cref="Model.Outputs"/> order.</summary>
    public IReadOnlyList<Tensor<float>> Outputs { get; }

    /// <inheritdoc/>
    public int Count => _byLayer.Count;

    /// <summary>The layers whose activations were read, in model order.</summary>
    public IEnumerable<Layer> Keys => _byLayer.Keys.OrderBy(l => l.Index);

    /// <inheritdoc/>
    public IEnumerable<Tensor<float>> Values => Keys.Select(l => _byLayer[l]);

    /// <summary>The activation of <paramref name="layer"/>.</summary>
    /// <exception cref="KeyNotFoundException">That layer's activation was not requested.</exception>
    public Tensor<float> this[Layer layer] => _byLayer.TryGetValue(layer, out var value)
        ? value
        : throw new KeyNotFoundException($"The activation of layer '{layer.Name}' was not requested; these were: {string.Join(", ", Keys.Select(l => $"'{l.Name}'"))}.");

    /// <summary>The activation of the layer named <paramref name="layerName"/>.</summary>
    /// <exception cref="ArgumentException">The model has no such layer (the message lists the names).</exception>
    /// <exception cref="KeyNotFoundException">That layer's activation was not requested.</exception>
    public Tensor<float> this[string layerName] => this[_model.GetLayer(layerName)];

    /// <inheritdoc/>
    public bool ContainsKey(Layer key) => _byLayer.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(Layer key, [MaybeNullWhen(false)] out Tensor<float> value) => _byLayer.TryGetValue(key, out value);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<Layer, Tensor<float>>> GetEnumerator() =>
        Keys.Select(l => KeyValuePair.Create(l, _byLayer[l])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal static void ThrowIfEmpty(int count)
    {
        if (count == 0)
        {
            ThrowHelper.ThrowArgument("layers", "Ask for at least one layer.");
        }
    }
}
