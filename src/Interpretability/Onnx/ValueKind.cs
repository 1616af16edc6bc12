namespace Interpretability.Onnx;

/// <summary>What a value in the graph is, as far as interpretation cares.</summary>
internal enum ValueKind
{
    /// <summary>Data that flows from the model's inputs: activations.</summary>
    Activation,

    /// <summary>A constant: an initializer, or computed only from constants (Constant, Identity, Cast, DequantizeLinear, ...).</summary>
    Constant,

    /// <summary>Shape arithmetic: computed from Shape or Size of an activation, and from constants.</summary>
    ShapeValue,
}
