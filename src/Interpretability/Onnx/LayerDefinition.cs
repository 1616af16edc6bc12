using Interpretability.Onnx.Schema;

namespace Interpretability.Onnx;

/// <summary>Everything a <see cref="Layer"/> is built from.</summary>
internal sealed record LayerDefinition(
    int Index,
    string Name,
    NodeProto Node,
    WeightSource[] Weights,
    IReadOnlyList<int?>? OutputShape,
    ConstantFolder Folder,
    ModelSource Source,
    Model Model);
