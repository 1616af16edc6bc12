using System.Numerics.Tensors;
using Interpretability.Onnx;
using Interpretability.Onnx.Schema;

namespace Interpretability;

/// <summary>
/// One node of the model that computes on activations: a convolution, a dense layer, an
/// activation function, a pooling, a reshape, and so on. Nodes that only make or transform
/// constants (Constant, Identity, Cast or DequantizeLinear of an initializer) or do shape
/// arithmetic are not layers; <see cref="GetWeights"/> sees through them to the values.
/// </summary>
/// <remarks>
/// Kinds with typed attributes have their own subclasses: <see cref="Conv2DLayer"/>,
/// <see cref="DenseLayer"/> and <see cref="BatchNormalizationLayer"/>. A layer stays usable after
/// its <see cref="Model"/> is disposed (weights are read from the model's bytes and files, not from
/// native memory). All members are safe to call from many threads at once.
/// </remarks>
public partial class Layer
{
    private readonly WeightSource[] _weights;
    private IReadOnlyDictionary<string, object>? _attributes;
    private long _parameterCount = -1;

    internal Layer(LayerDefinition definition)
    {
        Definition = definition;
        _weights = definition.Weights;
        Name = definition.Name;
        OpType = definition.Node.OpType;
        Domain = definition.Node.Domain ?? string.Empty;
        Index = definition.Index;
        Inputs = [.. definition.Node.Input];
        Outputs = [.. definition.Node.Output];
        OutputShape = definition.OutputShape;
    }

    /// <summary>The model this layer belongs to.</summary>
    public Model Model => Definition.Model;

    /// <summary>The layer's position in <see cref="Model.Layers"/> (topological order).</summary>
    public int Index { get; }

    /// <summary>The ONNX node name; when the file leaves it empty, one is generated from the operator (<c>Conv_0</c>, <c>Relu_1</c>, ...). Unique within the model.</summary>
    public string Name { get; }

    /// <summary>The ONNX operator: "Conv", "Gemm", "Relu", "BatchNormalization", "MaxPool", ...</summary>
    public string OpType { get; }

    /// <summary>The operator's domain: empty for standard ONNX operators.</summary>
    public string Domain { get; }

    /// <summary>The names of every value the node reads, in ONNX input order (activations and constants; an omitted optional input is an empty string).</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>The names of the values the node writes; <c>Outputs[0]</c> is the layer's activation.</summary>
    public IReadOnlyList<string> Outputs { get; }

    /// <summary>
    /// The shape of the first output where the file declares it or it can be inferred from the
    /// model's input shape; <c>null</c> entries are dynamic dimensions (such as the batch). Null
    /// when unknown.
    /// </summary>
    public IReadOnlyList<int?>? OutputShape { get; }

    /// <summary>
    /// Number of weight values (the product of every weight's dimensions), computed without decoding
    /// stored tensors (a weight that nodes compute from them is computed).
    /// </summary>
    /// <exception cref="InvalidModelException">A weight cannot be read: the same error as <see cref="GetWeights"/>.</exception>
    public long ParameterCount
    {
        get
        {
            if (_parameterCount < 0)
            {
                _parameterCount = _weights.Sum(w => w.Dims(Definition.Folder).Aggregate(1L, (a, b) => a * b));
            }

            return _parameterCount;
        }
    }

    /// <summary>
    /// The node's attributes with ONNX's own names: integers as <see cref="long"/>, floats as
    /// <see cref="float"/>, strings, and arrays of them; tensors and graphs as a short description.
    /// Only attributes present in the file are listed (no defaults).
    /// </summary>
    public IReadOnlyDictionary<string, object> Attributes => _attributes ??= Onnx.Attributes.ToDictionary(Definition.Node);

    internal LayerDefinition Definition { get; }

    internal NodeProto Node => Definition.Node;

    /// <summary>
    /// The layer's constant inputs (its learned weights) in ONNX input order, each exactly as the
    /// file stores it, converted to float. For Conv that is <c>[kernel, bias]</c> with the kernel in
    /// ONNX order <c>[out, in / group, kh, kw]</c>; for Gemm <c>[B, C]</c> as stored (see
    /// <see cref="DenseLayer.TransposeB"/>); for BatchNormalization <c>[scale, B, mean, var]</c>.
    /// </summary>
    /// <remarks>
    /// Constant inputs that are operator parameters rather than learned values (Reshape's shape,
    /// Slice's starts, Resize's scales, Clip's bounds, ...) are not weights. Quantized weights
    /// (through DequantizeLinear, or the inputs of QLinearConv, ConvInteger, QLinearMatMul,
    /// MatMulInteger) are returned dequantized. ONNX scalars (rank 0) become tensors of shape [1].
    /// Every call decodes afresh and returns new tensors the caller owns.
    /// </remarks>
    /// <returns>The weights; empty for layers without any (Relu, MaxPool, ...).</returns>
    /// <exception cref="InvalidModelException">The stored data is inconsistent, or external data cannot be read safely.</exception>
    public LayerWeights GetWeights()
    {
        var tensors = new Tensor<float>[_weights.Length];
        var names = new string[_weights.Length];
        for (var i = 0; i < _weights.Length; i++)
        {
            var value = _weights[i].Evaluate(Definition.Folder);
            var lengths = value.Dims.Length == 0 ? [1] : Shapes.ToLengths(value.Dims);
            tensors[i] = Tensor.Create(value.AsFloats(), lengths);
            names[i] = _weights[i].Name;
        }

        return new LayerWeights(this, tensors, names);
    }

    /// <summary>"name (OpType)".</summary>
    public override string ToString() => $"{Name} ({OpType})";
}
