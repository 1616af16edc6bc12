namespace Interpretability.Onnx;

/// <summary>A tensor's checked identity: name, element type, dimensions and element count.</summary>
/// <param name="Name">The tensor's ONNX name (may be empty for attribute tensors).</param>
/// <param name="Type">The element type.</param>
/// <param name="Dims">The dimensions, each zero or more; empty for a scalar.</param>
/// <param name="Count">The number of elements (product of <paramref name="Dims"/>, 1 for a scalar).</param>
internal sealed record TensorHeader(string Name, OnnxDataType Type, long[] Dims, long Count)
{
    /// <summary>"'name' [2, 3] FLOAT" for messages.</summary>
    public string Describe() => $"'{Name}' {Shapes.Format(Dims)} {OnnxDataTypes.Name(Type)}";
}
