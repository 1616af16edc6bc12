using Google.Protobuf;
using Interpretability.Onnx;
using Interpretability.Onnx.Schema;

namespace Interpretability;

/// <summary>
/// Builds the bytes ONNX Runtime loads: the model with the requested values added as graph
/// outputs, and every external tensor read (through the library's own safe reader) into the
/// model itself, so ONNX Runtime never opens a file.
/// </summary>
internal static class RuntimeModel
{
    public static byte[] Build(Model model, IReadOnlyCollection<string> extraOutputs)
    {
        // Shapes that would make ONNX Runtime allocate absurd memory are refused before it sees the model.
        var limit = model.Source.Options.MaxTensorBytes;
        if (model.InferredShapes.FindActivationBeyond(limit) is var (node, value, shape))
        {
            throw model.Source.Limit($"node {Attributes.NodeLabel(node)} computes '{value}' of shape [{string.Join(", ", shape)}], beyond the limit of {limit:N0} bytes as float even at batch 1 (ModelLoadOptions.MaxTensorBytes); ONNX Runtime is not asked to run it.");
        }

        var proto = model.Proto.Clone();
        InlineExternalData(proto.Graph, model.Source, depth: 0);
        var existing = proto.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in extraOutputs)
        {
            if (existing.Add(name))
            {
                proto.Graph.Output.Add(new ValueInfoProto { Name = name });
            }
        }

        var size = proto.CalculateSize();
        if (size < 0 || size > int.MaxValue - 1024)
        {
            throw model.Source.Limit($"the model with its external data inlined would be {size:N0} bytes, beyond protobuf's 2 GB; ONNX Runtime cannot be given it from memory.");
        }

        return proto.ToByteArray();
    }

    private static void InlineExternalData(GraphProto graph, ModelSource source, int depth)
    {
        if (depth > source.Options.MaxNestingDepth)
        {
            throw source.Limit($"subgraphs nest deeper than {source.Options.MaxNestingDepth} (ModelLoadOptions.MaxNestingDepth).");
        }

        foreach (var tensor in graph.Initializer)
        {
            Inline(tensor, source);
        }

        foreach (var sparse in graph.SparseInitializer)
        {
            Inline(sparse.Values, source);
            Inline(sparse.Indices, source);
        }

        foreach (var node in graph.Node)
        {
            foreach (var attribute in node.Attribute)
            {
                Inline(attribute.T, source);
                foreach (var tensor in attribute.Tensors)
                {
                    Inline(tensor, source);
                }

                if (attribute.G is { } subgraph)
                {
                    InlineExternalData(subgraph, source, depth + 1);
                }

                foreach (var nested in attribute.Graphs)
                {
                    InlineExternalData(nested, source, depth + 1);
                }
            }
        }
    }

    private static void Inline(TensorProto? tensor, ModelSource source)
    {
        if (tensor is null || !tensor.HasDataLocation || tensor.DataLocation != 1)
        {
            return;
        }

        var header = TensorDecoder.ReadHeader(tensor, source);
        var bytes = new byte[OnnxDataTypes.RawByteCount(header.Type, header.Count)];
        ExternalData.Read(tensor, header, source, bytes);
        tensor.ExternalData.Clear();
        tensor.ClearDataLocation();
        tensor.RawData = ByteString.CopyFrom(bytes);
    }
}
