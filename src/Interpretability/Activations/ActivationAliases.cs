using System.Numerics.Tensors;
using Interpretability.Onnx;

namespace Interpretability;

/// <summary>
/// Layers whose activation is another value's data under a new shape: Identity, Dropout (at
/// inference), Flatten, and Reshape, Squeeze and Unsqueeze with constant targets. Their activations
/// are not asked of ONNX Runtime (which would copy the data into a graph output); they are the
/// source value's tensor, reshaped, sharing its memory. Reading every layer of the lecture's CNN
/// moves a quarter less data this way.
/// </summary>
internal sealed class ActivationAliases
{
    private readonly Dictionary<string, (string Source, Func<long[], long[]?> Shape)> _aliases = new(StringComparer.Ordinal);

    public ActivationAliases(Model model)
    {
        var outputs = model.Outputs.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = model.Inputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var fetchable = model.Layers.Where(l => l.Outputs.Count > 0 && l.Outputs[0].Length > 0).Select(l => l.Outputs[0]).ToHashSet(StringComparer.Ordinal);
        foreach (var layer in model.Layers)
        {
            var node = layer.Node;
            if (node.Domain is not ("" or "ai.onnx") || node.Output.Count == 0 || node.Output[0].Length == 0 || node.Input.Count == 0
                || outputs.Contains(node.Output[0]) || inputs.Contains(node.Input[0]) || Transform(model, layer) is not { } transform)
            {
                continue;
            }

            // A chain of aliases points at its first real value, with the shape changes composed; that
            // value must be one ONNX Runtime returns (the first output of a layer).
            var source = node.Input[0];
            if (!fetchable.Contains(source))
            {
                continue;
            }

            if (_aliases.TryGetValue(source, out var earlier))
            {
                var first = earlier.Shape;
                _aliases[node.Output[0]] = (earlier.Source, shape => first(shape) is { } middle ? transform(middle) : null);
            }
            else
            {
                _aliases[node.Output[0]] = (source, transform);
            }
        }
    }

    /// <summary>True when <paramref name="value"/> is read from another value's data.</summary>
    public bool IsAlias(string value) => _aliases.ContainsKey(value);

    /// <summary>The value an alias reads its data from.</summary>
    public string SourceOf(string value) => _aliases.TryGetValue(value, out var alias) ? alias.Source : value;

    /// <summary>The alias's tensor: the source's data under the alias's shape (the same memory).</summary>
    public Tensor<float> Apply(string value, Tensor<float> source, ModelSource model)
    {
        var lengths = source.Lengths.ToArray().Select(l => (long)l).ToArray();
        var shape = _aliases[value].Shape(lengths);
        var count = lengths.Aggregate(1L, (a, b) => a * b);
        if (shape is null || shape.Any(d => d < 0) || shape.Aggregate(1L, (a, b) => a * b) != count)
        {
            throw model.Invalid($"'{value}' cannot be given {Shapes.Format(lengths)}'s {count} elements under the shape its node describes.");
        }

        if (!TensorArrays.TryGetArray(source, out var array))
        {
            array = new float[source.FlattenedLength];
            source.FlattenTo(array);
        }

        return TensorArrays.Wrap(array, OutputBuffers.Lengths(shape));
    }

    private static Func<long[], long[]?>? Transform(Model model, Layer layer)
    {
        var node = layer.Node;
        var source = model.Source;
        long[]? ConstantInts(int index) =>
            index < node.Input.Count && node.Input[index].Length > 0 && model.Graph.KindOf(node.Input[index]) == ValueKind.Constant
                ? model.Folder.Evaluate(node.Input[index]).Ints
                : null;

        try
        {
            switch (node.OpType)
            {
                case "Identity":
                    return shape => shape;
                case "Dropout" when node.Output.Count < 2 || node.Output[1].Length == 0:
                    // At inference Dropout passes its input through; a mask output means training mode, which is left to ONNX Runtime.
                    return node.Input.Count > 2 && node.Input[2].Length > 0 ? null : shape => shape;
                case "Flatten":
                    var axis = Attributes.GetInt(node, "axis", 1, source);
                    return shape =>
                    {
                        var a = axis < 0 ? axis + shape.Length : axis;
                        return a < 0 || a > shape.Length ? null : [shape[..(int)a].Aggregate(1L, (x, y) => x * y), shape[(int)a..].Aggregate(1L, (x, y) => x * y)];
                    };
                case "Reshape" when (node.Input.Count > 1 ? ConstantInts(1) : Attributes.GetInts(node, "shape", -1, source)) is { } target:
                    var allowZero = Attributes.GetInt(node, "allowzero", 0, source) != 0;
                    return shape => Reshape(shape, target, allowZero);
                case "Squeeze" when (node.Input.Count > 1 ? ConstantInts(1) : Attributes.GetInts(node, "axes", -1, source)) is { } axes:
                    return shape =>
                    {
                        var drop = axes.Select(a => a < 0 ? a + shape.Length : a).ToHashSet();
                        return drop.Any(a => a < 0 || a >= shape.Length || shape[a] != 1) ? null : [.. shape.Where((_, i) => !drop.Contains(i))];
                    };
                case "Unsqueeze" when (node.Input.Count > 1 ? ConstantInts(1) : Attributes.GetInts(node, "axes", -1, source)) is { } axes:
                    return shape =>
                    {
                        var rank = shape.Length + axes.Length;
                        var insert = axes.Select(a => a < 0 ? a + rank : a).ToHashSet();
                        if (insert.Count != axes.Length || insert.Any(a => a < 0 || a >= rank))
                        {
                            return null;
                        }

                        var result = new long[rank];
                        var next = 0;
                        for (var i = 0; i < rank; i++)
                        {
                            result[i] = insert.Contains(i) ? 1 : shape[next++];
                        }

                        return result;
                    };
                default:
                    return null;
            }
        }
        catch (InvalidModelException)
        {
            return null; // an attribute or constant this path cannot read: ONNX Runtime computes the value instead
        }
    }

    private static long[]? Reshape(long[] shape, long[] target, bool allowZero)
    {
        var result = new long[target.Length];
        var inferred = -1;
        long known = 1;
        for (var i = 0; i < target.Length; i++)
        {
            var d = target[i];
            if (d == 0 && !allowZero)
            {
                if (i >= shape.Length)
                {
                    return null;
                }

                d = shape[i];
            }

            if (d == -1)
            {
                if (inferred >= 0)
                {
                    return null;
                }

                inferred = i;
                continue;
            }

            if (d < 0)
            {
                return null;
            }

            result[i] = d;
            known *= d;
        }

        var count = shape.Aggregate(1L, (a, b) => a * b);
        if (inferred >= 0)
        {
            if (known == 0 || count % known != 0)
            {
                return null;
            }

            result[inferred] = count / known;
        }

        return result;
    }
}
