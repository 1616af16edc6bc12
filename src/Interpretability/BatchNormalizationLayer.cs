using Interpretability.Onnx;

namespace Interpretability;

/// <summary>
/// An ONNX <c>BatchNormalization</c> node. <see cref="Layer.GetWeights"/> returns
/// <c>[scale, B, mean, var]</c>, which is Keras' order <c>[gamma, beta, moving_mean, moving_variance]</c>.
/// </summary>
public sealed class BatchNormalizationLayer : Layer
{
    internal BatchNormalizationLayer(LayerDefinition definition, float epsilon, float momentum)
        : base(definition)
    {
        Epsilon = epsilon;
        Momentum = momentum;
    }

    /// <summary>The small number added to the variance (ONNX default 1e-5).</summary>
    public float Epsilon { get; }

    /// <summary>The running-average momentum used in training (ONNX default 0.9).</summary>
    public float Momentum { get; }
}
