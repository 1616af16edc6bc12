using Interpretability.Onnx;

namespace Interpretability;

/// <summary>A model input or output as the ONNX file declares it: name, element type and shape.</summary>
public sealed class TensorInfo
{
    internal TensorInfo(string name, OnnxDataType elementType, IReadOnlyList<int?>? shape, IReadOnlyList<string?>? dimensionNames)
    {
        Name = name;
        ElementType = elementType;
        Shape = shape;
        DimensionNames = dimensionNames ?? (shape is null ? [] : new string?[shape.Count]);
    }

    /// <summary>The value's name in the graph (what ONNX Runtime calls the input or output).</summary>
    public string Name { get; }

    /// <summary>The element type (<see cref="OnnxDataType.Float"/> for almost every CNN input).</summary>
    public OnnxDataType ElementType { get; }

    /// <summary>The declared shape: a number per fixed dimension, null per dynamic one (the batch, typically); null when the file declares no shape at all.</summary>
    public IReadOnlyList<int?>? Shape { get; }

    /// <summary>The symbolic names of dynamic dimensions (such as "batch_size"), null where a dimension is fixed or unnamed.</summary>
    public IReadOnlyList<string?> DimensionNames { get; }

    /// <summary>"image FLOAT [batch, 1, 28, 28]".</summary>
    public override string ToString() =>
        $"{Name} {OnnxDataTypes.Name(ElementType)} {(Shape is null ? "(shape unknown)" : Shapes.Format(Shape, DimensionNames))}";
}
