namespace Interpretability.Onnx;

/// <summary>
/// Counts, before the protobuf parser runs, how many objects parsing a model would create: the
/// entries of every message list (nodes, tensors, attributes, value declarations, dimensions, ...)
/// in the main graph and every subgraph, and the fields the schema does not declare (which the
/// parser keeps as unknown fields). An empty entry costs two bytes in the file but a hundred or
/// more in memory, so a small file of millions of them would make the parser allocate gigabytes;
/// each count is held to <see cref="ModelLoadOptions.MaxNodes"/> first. Reads the wire format
/// directly and allocates nothing; malformed data ends the count and is left to the parser's own
/// error.
/// </summary>
internal static class MessageCounter
{
    private enum Kind
    {
        Model,
        Graph,
        Node,
        Attribute,
        Tensor,
        SparseTensor,
        ValueInfo,
        Type,
        TensorType,
        Shape,
        Dimension,
        Entry,
        Opset,
        Unknown,
    }

    private static readonly string[] s_names =
    [
        "models", "graphs", "nodes", "attributes", "tensors (initializers and attribute values)", "sparse tensors",
        "value declarations (inputs, outputs, value_info)", "types", "tensor types", "shapes", "shape dimensions",
        "key-value entries", "opset imports", "fields this library does not know",
    ];

    /// <summary>Throws <see cref="ModelLimitExceededException"/> when any count exceeds <see cref="ModelLoadOptions.MaxNodes"/>.</summary>
    public static void Check(ReadOnlySpan<byte> model, ModelSource source)
    {
        Span<long> counts = stackalloc long[s_names.Length];
        Scan(model, Kind.Model, 0, source.Options.MaxNestingDepth, counts);
        var limit = source.Options.MaxNodes;
        for (var kind = 0; kind < counts.Length; kind++)
        {
            if (counts[kind] > limit)
            {
                throw source.Limit($"the model has {counts[kind]:N0} {s_names[kind]} in all its graphs, beyond the limit of {limit:N0} (ModelLoadOptions.MaxNodes, which bounds every list in the file); it was refused before parsing.");
            }
        }
    }

    /// <summary>Walks one message; false when the data is malformed (the parser will say how).</summary>
    private static bool Scan(ReadOnlySpan<byte> data, Kind kind, int depth, int maxDepth, Span<long> counts)
    {
        var at = 0;
        while (at < data.Length)
        {
            if (!TryReadVarint(data, ref at, out var tag))
            {
                return false;
            }

            var field = (int)Math.Min(tag >> 3, int.MaxValue);
            var wire = (int)(tag & 7);
            if (!Declares(kind, field))
            {
                counts[(int)Kind.Unknown]++;
            }

            switch (wire)
            {
                case 0:
                    if (!TryReadVarint(data, ref at, out _))
                    {
                        return false;
                    }

                    break;
                case 1 or 5:
                    at += wire == 1 ? 8 : 4;
                    break;
                case 2:
                    if (!TryReadVarint(data, ref at, out var length) || length > (ulong)(data.Length - at))
                    {
                        return false;
                    }

                    var body = data.Slice(at, (int)length);
                    at += (int)length;
                    if (Child(kind, field) is { } child)
                    {
                        counts[(int)child]++;
                        if (depth < maxDepth && !Scan(body, child, depth + 1, maxDepth, counts))
                        {
                            return false;
                        }
                    }

                    break;
                case 3:
                    // A group: walk it as an unknown message up to its end tag.
                    if (depth >= maxDepth || !SkipGroup(data, ref at, field, depth + 1, maxDepth, counts))
                    {
                        return false;
                    }

                    break;
                default:
                    return false;
            }
        }

        return at == data.Length;
    }

    private static bool SkipGroup(ReadOnlySpan<byte> data, ref int at, int field, int depth, int maxDepth, Span<long> counts)
    {
        while (at < data.Length)
        {
            if (!TryReadVarint(data, ref at, out var tag))
            {
                return false;
            }

            var wire = (int)(tag & 7);
            counts[(int)Kind.Unknown]++;
            switch (wire)
            {
                case 0 when TryReadVarint(data, ref at, out _):
                    break;
                case 1 or 5:
                    at += wire == 1 ? 8 : 4;
                    break;
                case 2 when TryReadVarint(data, ref at, out var length) && length <= (ulong)(data.Length - at):
                    at += (int)length;
                    break;
                case 3 when depth < maxDepth && SkipGroup(data, ref at, (int)Math.Min(tag >> 3, int.MaxValue), depth + 1, maxDepth, counts):
                    break;
                case 4:
                    return (int)Math.Min(tag >> 3, int.MaxValue) == field;
                default:
                    return false;
            }
        }

        return false;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> data, ref int at, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && at < data.Length; shift += 7)
        {
            var b = data[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The message kind of a length-delimited field, as onnx-subset.proto declares it; null for strings, bytes and packed numbers.</summary>
    private static Kind? Child(Kind parent, int field) => (parent, field) switch
    {
        (Kind.Model, 7) => Kind.Graph,
        (Kind.Model, 8) => Kind.Opset,
        (Kind.Model, 14) => Kind.Entry,
        (Kind.Graph, 1) => Kind.Node,
        (Kind.Graph, 5) => Kind.Tensor,
        (Kind.Graph, 15) => Kind.SparseTensor,
        (Kind.Graph, 11 or 12 or 13) => Kind.ValueInfo,
        (Kind.Node, 5) => Kind.Attribute,
        (Kind.Attribute, 5 or 10) => Kind.Tensor,
        (Kind.Attribute, 6 or 11) => Kind.Graph,
        (Kind.Attribute, 22 or 23) => Kind.SparseTensor,
        (Kind.ValueInfo, 2) => Kind.Type,
        (Kind.Type, 1) => Kind.TensorType,
        (Kind.TensorType, 2) => Kind.Shape,
        (Kind.Shape, 1) => Kind.Dimension,
        (Kind.Tensor, 13) => Kind.Entry,
        (Kind.SparseTensor, 1 or 2) => Kind.Tensor,
        _ => null,
    };

    /// <summary>Whether onnx-subset.proto declares the field; the parser keeps the others as unknown fields.</summary>
    private static bool Declares(Kind kind, int field) => kind switch
    {
        Kind.Model => field is >= 1 and <= 8 or 14,
        Kind.Graph => field is 1 or 2 or 5 or 10 or 11 or 12 or 13 or 15,
        Kind.Node => field is >= 1 and <= 7,
        Kind.Attribute => field is >= 1 and <= 11 or 13 or 20 or 21 or 22 or 23,
        Kind.Tensor => field is >= 1 and <= 14 and not 3,
        Kind.SparseTensor => field is >= 1 and <= 3,
        Kind.ValueInfo => field is >= 1 and <= 3,
        Kind.Type => field is 1 or 6,
        Kind.TensorType => field is 1 or 2,
        Kind.Shape => field is 1,
        Kind.Dimension => field is >= 1 and <= 3,
        Kind.Entry or Kind.Opset => field is 1 or 2,
        _ => false,
    };
}
