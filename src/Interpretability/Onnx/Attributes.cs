using System.Globalization;
using Interpretability.Onnx.Schema;

namespace Interpretability.Onnx;

/// <summary>
/// Typed, checked access to a node's attributes. Errors name the model, the node, the attribute,
/// the value found and what was expected.
/// </summary>
internal static class Attributes
{
    // ONNX AttributeProto.AttributeType values.
    public const int Float = 1;
    public const int Int = 2;
    public const int String = 3;
    public const int Tensor = 4;
    public const int Graph = 5;
    public const int Floats = 6;
    public const int Ints = 7;
    public const int Strings = 8;
    public const int Tensors = 9;
    public const int Graphs = 10;
    public const int SparseTensor = 11;
    public const int SparseTensors = 12;
    public const int TypeProto = 13;
    public const int TypeProtos = 14;

    public static AttributeProto? Find(NodeProto node, string name)
    {
        foreach (var attribute in node.Attribute)
        {
            if (attribute.Name == name)
            {
                return attribute;
            }
        }

        return null;
    }

    /// <summary>The attribute's type, inferred from the field in use when the file predates the type field (IR 1).</summary>
    public static int TypeOf(AttributeProto attribute)
    {
        if (attribute.HasType && attribute.Type != 0)
        {
            return attribute.Type;
        }

        return attribute switch
        {
            { HasF: true } => Float,
            { HasI: true } => Int,
            { HasS: true } => String,
            { T: not null } => Tensor,
            { G: not null } => Graph,
            { Floats.Count: > 0 } => Floats,
            { Ints.Count: > 0 } => Ints,
            { Strings.Count: > 0 } => Strings,
            { Tensors.Count: > 0 } => Tensors,
            { Graphs.Count: > 0 } => Graphs,
            _ => 0,
        };
    }

    public static long GetInt(NodeProto node, string name, long defaultValue, ModelSource source)
    {
        var attribute = Find(node, name);
        if (attribute is null)
        {
            return defaultValue;
        }

        return TypeOf(attribute) == Int ? attribute.I : throw WrongType(node, attribute, "an integer", source);
    }

    public static float GetFloat(NodeProto node, string name, float defaultValue, ModelSource source)
    {
        var attribute = Find(node, name);
        if (attribute is null)
        {
            return defaultValue;
        }

        return TypeOf(attribute) == Float ? attribute.F : throw WrongType(node, attribute, "a float", source);
    }

    public static string? GetString(NodeProto node, string name, ModelSource source)
    {
        var attribute = Find(node, name);
        if (attribute is null)
        {
            return null;
        }

        return TypeOf(attribute) == String ? attribute.S.ToStringUtf8() : throw WrongType(node, attribute, "a string", source);
    }

    /// <summary>An ints attribute; null when absent. With <paramref name="length"/> &gt;= 0 the count must match.</summary>
    public static long[]? GetInts(NodeProto node, string name, int length, ModelSource source)
    {
        var attribute = Find(node, name);
        if (attribute is null)
        {
            return null;
        }

        if (TypeOf(attribute) != Ints)
        {
            throw WrongType(node, attribute, "a list of integers", source);
        }

        var values = attribute.Ints.ToArray();
        if (length >= 0 && values.Length != length)
        {
            throw source.Invalid($"node {NodeLabel(node)}: attribute '{name}' has {values.Length} values {Shapes.Format(values)}; {length} were expected.");
        }

        return values;
    }

    /// <summary>A readable summary of every attribute, for <c>Layer.Attributes</c>.</summary>
    public static IReadOnlyDictionary<string, object> ToDictionary(NodeProto node)
    {
        var result = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var attribute in node.Attribute)
        {
            object value = TypeOf(attribute) switch
            {
                Float => attribute.F,
                Int => attribute.I,
                String => attribute.S.ToStringUtf8(),
                Floats => attribute.Floats.ToArray(),
                Ints => attribute.Ints.ToArray(),
                Strings => attribute.Strings.Select(s => s.ToStringUtf8()).ToArray(),
                Tensor => $"tensor {Shapes.Format(attribute.T.Dims.ToArray())} {OnnxDataTypes.Name(attribute.T.DataType)}",
                Graph => $"graph '{attribute.G.Name}' ({attribute.G.Node.Count} nodes)",
                Tensors => $"{attribute.Tensors.Count} tensors",
                Graphs => $"{attribute.Graphs.Count} graphs",
                var other => $"attribute of type {other.ToString(CultureInfo.InvariantCulture)}",
            };
            result[attribute.Name] = value;
        }

        return result;
    }

    public static string NodeLabel(NodeProto node) =>
        string.IsNullOrEmpty(node.Name) ? $"({node.OpType} writing '{node.Output.FirstOrDefault()}')" : $"'{node.Name}' ({node.OpType})";

    private static InvalidModelException WrongType(NodeProto node, AttributeProto attribute, string expected, ModelSource source) =>
        source.Invalid($"node {NodeLabel(node)}: attribute '{attribute.Name}' has type {TypeOf(attribute)}; {expected} was expected.");
}
