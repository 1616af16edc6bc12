namespace Interpretability;

/// <summary>One node of the model that computes on activations.</summary>
public class Layer
{
    internal Layer(string name, string opType)
    {
        Name = name;
        OpType = opType;
    }

    /// <summary>The ONNX node name.</summary>
    public string Name { get; }

    /// <summary>The ONNX operator.</summary>
    public string OpType { get; }

    /// <summary>The layer's constant inputs.</summary>
    /// <returns>The weights.</returns>
    public LayerWeights GetWeights() => throw new NotImplementedException();
}
