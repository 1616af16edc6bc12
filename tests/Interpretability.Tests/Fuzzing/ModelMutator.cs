using System.Runtime.InteropServices;
using Google.Protobuf;
using Interpretability.Onnx.Schema;

namespace Interpretability.Tests.Fuzzing;

/// <summary>
/// Structure-aware mutations of an ONNX model: parses it with the library's own schema classes,
/// changes fields the way a hostile or broken exporter would (dims, data types, stored data,
/// attributes, wiring, external data locations, nesting, opsets, declared shapes), and
/// serializes it again, so that the mutated file gets past protobuf parsing and reaches the
/// checks behind it.
/// </summary>
internal static class ModelMutator
{
    private static readonly long[] s_dims =
    [
        -1, -2, long.MinValue, 0, 1, 2, 3, 7, 255, 65_536, int.MaxValue, 1L << 31, (1L << 32) + 1, 1L << 40, 1L << 62, (1L << 62) + 1, long.MaxValue,
    ];

    private static readonly int[] s_dataTypes = [0, -1, 8, 14, 15, 23, 24, 25, 26, 27, 99, 1000, int.MaxValue, int.MinValue];

    private static readonly string[] s_numbers =
    [
        "", "0", "1", "-1", "+5", " 12", "12 ", "1e3", "0x10", "4.0", "\u0663", "007", "9223372036854775807", "9223372036854775808",
        "18446744073709551616", "99999999999999999999999999", "4611686018427387904", "2147483648", "36", "18",
    ];

    private static readonly string[] s_ops =
    [
        "Conv", "Gemm", "MatMul", "Relu", "Add", "Mul", "Sub", "Div", "Reshape", "Transpose", "Concat", "Flatten", "Squeeze",
        "Unsqueeze", "Identity", "Cast", "Constant", "DequantizeLinear", "QLinearConv", "ConvInteger", "BatchNormalization",
        "MaxPool", "AveragePool", "GlobalAveragePool", "Softmax", "Shape", "Gather", "Slice", "Pad", "Expand", "Tile",
        "ConstantOfShape", "Resize", "If", "Loop", "Scan", "Split", "ReduceMean", "Range", "NoSuchOperator", string.Empty,
    ];

    private static readonly string[] s_attributeNames =
    [
        "strides", "pads", "dilations", "group", "kernel_shape", "auto_pad", "axis", "axes", "perm", "shape", "to", "transA", "transB",
        "alpha", "beta", "epsilon", "value", "value_float", "value_floats", "value_int", "value_ints", "block_size", "allowzero",
        "then_branch", "else_branch", "body", "ceil_mode", "keepdims", "start", "end",
    ];

    /// <summary>Parses, applies one to three structural mutations, serializes; null when the input is not a parsable model.</summary>
    public static byte[]? Mutate(byte[] input, Random random, List<string> log, IReadOnlyList<string> locations)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(input);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }

        var count = random.Next(4) == 0 ? random.Next(2, 4) : 1;
        for (var i = 0; i < count; i++)
        {
            MutateOnce(model, random, log, locations);
        }

        return model.ToByteArray();
    }

    private static void MutateOnce(ModelProto model, Random random, List<string> log, IReadOnlyList<string> locations)
    {
        model.Graph ??= new GraphProto();
        var parts = new Parts(model);
        switch (random.Next(23))
        {
            case 0 or 1:
                MutateDims(Pick(parts.Tensors, random), random, log);
                break;
            case 20 or 21:
                Resize(Pick(parts.Tensors, random), random, log);
                break;
            case 22:
                EmptyWithHugeDims(Pick(parts.Tensors, random), random, log);
                break;
            case 2:
                if (Pick(parts.Tensors, random) is { } typed)
                {
                    typed.DataType = random.Next(2) == 0 ? s_dataTypes[random.Next(s_dataTypes.Length)] : random.Next(1, 23);
                    log.Add($"tensor '{typed.Name}' data_type {typed.DataType}");
                }

                break;
            case 3 or 4:
                MutateStorage(Pick(parts.Tensors, random), random, log);
                break;
            case 5 or 6:
                MutateExternal(Pick(parts.Tensors, random), random, log, locations);
                break;
            case 7 or 8:
                MutateAttribute(parts, random, log);
                break;
            case 9 or 10:
                MutateWiring(parts, random, log);
                break;
            case 11:
                Nest(parts, random, log);
                break;
            case 12:
                MutateInitializers(parts, random, log);
                break;
            case 13:
                MutateDeclaredValues(parts, random, log);
                break;
            case 14:
                MutateHeader(model, random, log);
                break;
            case 15:
                AddFoldingChain(parts, random, log);
                break;
            case 16:
                AddSparseInitializer(parts, random, log);
                break;
            case 17:
                MutateNodeOp(parts, random, log);
                break;
            case 18:
                SpecialPayloads(Pick(parts.Tensors, random), random, log);
                break;
            default:
                DuplicateNodes(parts, random, log);
                break;
        }
    }

    private static T? Pick<T>(IReadOnlyList<T> items, Random random)
        where T : class => items.Count == 0 ? null : items[random.Next(items.Count)];

    private static long PickDim(Random random, long current) => random.Next(5) switch
    {
        0 => current + 1,
        1 => current * 2,
        2 => current - 1,
        _ => s_dims[random.Next(s_dims.Length)],
    };

    private static void MutateDims(TensorProto? tensor, Random random, List<string> log)
    {
        if (tensor is null)
        {
            return;
        }

        switch (random.Next(6))
        {
            case 0 when tensor.Dims.Count > 0:
                var axis = random.Next(tensor.Dims.Count);
                tensor.Dims[axis] = PickDim(random, tensor.Dims[axis]);
                break;
            case 1:
                tensor.Dims.Insert(random.Next(tensor.Dims.Count + 1), PickDim(random, 1));
                break;
            case 2 when tensor.Dims.Count > 0:
                tensor.Dims.RemoveAt(random.Next(tensor.Dims.Count));
                break;
            case 3:
                tensor.Dims.Clear();
                tensor.Dims.Add([1L << 32, 1L << 32, 1L << 33]);
                break;
            case 4:
                tensor.Dims.Clear();
                tensor.Dims.Add([0, long.MaxValue, random.Next(2) == 0 ? long.MaxValue : int.MaxValue]);
                break;
            default:
                tensor.Dims.Clear();
                break;
        }

        log.Add($"tensor '{tensor.Name}' dims [{string.Join(", ", tensor.Dims)}]");
    }

    /// <summary>New dims with data of exactly the new size, so the tensor stays valid and the shapes around it do not.</summary>
    private static void Resize(TensorProto? tensor, Random random, List<string> log)
    {
        if (tensor is null || tensor.DataType is < 1 or > 22 || tensor.DataType is 8 or 14 or 15 || tensor.Dims.Any(d => d is < 0 or > 4096))
        {
            return;
        }

        var dims = tensor.Dims.ToList();
        switch (random.Next(4))
        {
            case 0 when dims.Count > 0:
                dims[random.Next(dims.Count)] = random.Next(0, 9);
                break;
            case 1:
                dims.Insert(random.Next(dims.Count + 1), random.Next(1, 4));
                break;
            case 2 when dims.Count > 0:
                dims.RemoveAt(random.Next(dims.Count));
                break;
            default:
                dims = [.. Enumerable.Range(0, random.Next(0, 5)).Select(_ => (long)random.Next(1, 6))];
                break;
        }

        var count = dims.Aggregate(1L, (a, b) => a * b);
        if (count > 4096)
        {
            return;
        }

        var type = (OnnxDataType)tensor.DataType;
        var size = type switch
        {
            OnnxDataType.Double or OnnxDataType.Int64 or OnnxDataType.UInt64 => 8,
            OnnxDataType.Float or OnnxDataType.Int32 or OnnxDataType.UInt32 => 4,
            OnnxDataType.Float16 or OnnxDataType.BFloat16 or OnnxDataType.Int16 or OnnxDataType.UInt16 => 2,
            _ => 1,
        };
        var bytes = new byte[type is OnnxDataType.Int4 or OnnxDataType.UInt4 ? (count + 1) / 2 : count * size];
        if (random.Next(2) == 0)
        {
            random.NextBytes(bytes);
        }
        else if (type == OnnxDataType.Float)
        {
            MemoryMarshal.Cast<byte, float>(bytes.AsSpan()).Fill(random.Next(-2, 3) * 0.5f);
        }

        tensor.Dims.Clear();
        tensor.Dims.Add(dims);
        tensor.FloatData.Clear();
        tensor.Int32Data.Clear();
        tensor.Int64Data.Clear();
        tensor.DoubleData.Clear();
        tensor.Uint64Data.Clear();
        tensor.ExternalData.Clear();
        tensor.ClearDataLocation();
        tensor.RawData = ByteString.CopyFrom(bytes);
        log.Add($"tensor '{tensor.Name}' resized to [{string.Join(", ", dims)}] with matching raw_data");
    }

    /// <summary>A zero in the dims makes a tensor empty whatever its other dims say: huge ones need no data.</summary>
    private static void EmptyWithHugeDims(TensorProto? tensor, Random random, List<string> log)
    {
        if (tensor is null)
        {
            return;
        }

        var rank = tensor.Dims.Count > 0 && random.Next(3) != 0 ? tensor.Dims.Count : random.Next(1, 5);
        tensor.Dims.Clear();
        for (var i = 0; i < rank; i++)
        {
            tensor.Dims.Add(random.Next(3) == 0 ? s_dims[random.Next(s_dims.Length)] : random.Next(1, 4));
        }

        tensor.Dims[random.Next(rank)] = 0;
        var huge = random.Next(rank);
        if (tensor.Dims[huge] != 0)
        {
            tensor.Dims[huge] = new[] { 1L << 31, 1L << 40, 1L << 62, long.MaxValue }[random.Next(4)];
        }

        tensor.FloatData.Clear();
        tensor.Int32Data.Clear();
        tensor.Int64Data.Clear();
        tensor.DoubleData.Clear();
        tensor.Uint64Data.Clear();
        tensor.RawData = ByteString.Empty;
        log.Add($"tensor '{tensor.Name}' empty with dims [{string.Join(", ", tensor.Dims)}]");
    }

    private static void MutateStorage(TensorProto? tensor, Random random, List<string> log)
    {
        if (tensor is null)
        {
            return;
        }

        var raw = tensor.RawData.ToByteArray();
        switch (random.Next(9))
        {
            case 0 when raw.Length > 0:
                tensor.RawData = ByteString.CopyFrom(raw.AsSpan(0, random.Next(raw.Length)));
                log.Add($"tensor '{tensor.Name}' raw_data shortened to {tensor.RawData.Length}");
                break;
            case 1:
                tensor.RawData = ByteString.CopyFrom([.. raw, .. new byte[random.Next(1, 64)]]);
                log.Add($"tensor '{tensor.Name}' raw_data lengthened to {tensor.RawData.Length}");
                break;
            case 2:
                tensor.ClearRawData();
                tensor.FloatData.Clear();
                tensor.Int32Data.Clear();
                tensor.Int64Data.Clear();
                tensor.DoubleData.Clear();
                tensor.Uint64Data.Clear();
                log.Add($"tensor '{tensor.Name}' has neither raw_data nor typed values");
                break;
            case 3:
                tensor.RawData = ByteString.CopyFrom(new byte[4 * Math.Max(1, tensor.FloatData.Count)]);
                tensor.FloatData.Add(1f);
                log.Add($"tensor '{tensor.Name}' has both raw_data and float_data");
                break;
            case 4:
                tensor.RawData = ByteString.Empty;
                log.Add($"tensor '{tensor.Name}' raw_data empty but present");
                break;
            case 5:
                var n = random.Next(0, 40);
                for (var i = 0; i < n; i++)
                {
                    switch (random.Next(6))
                    {
                        case 0: tensor.Int64Data.Add(random.NextInt64(long.MinValue, long.MaxValue)); break;
                        case 1: tensor.Int32Data.Add(random.Next(int.MinValue, int.MaxValue)); break;
                        case 2: tensor.DoubleData.Add(random.NextDouble() * 1e300); break;
                        case 3: tensor.Uint64Data.Add(ulong.MaxValue - (ulong)random.Next(3)); break;
                        case 4: tensor.StringData.Add(ByteString.CopyFromUtf8("s")); break;
                        default: tensor.FloatData.Add(float.NaN); break;
                    }
                }

                log.Add($"tensor '{tensor.Name}' typed fields extended by {n}");
                break;
            case 6 when raw.Length > 0:
                random.NextBytes(raw);
                tensor.RawData = ByteString.CopyFrom(raw);
                log.Add($"tensor '{tensor.Name}' raw_data randomised");
                break;
            case 7 when tensor.HasRawData && tensor.RawData.Length % 4 == 0:
                // Move the raw bytes into the typed field of the declared type, as old exporters store them.
                var floats = MemoryMarshal.Cast<byte, float>(raw).ToArray();
                tensor.ClearRawData();
                tensor.FloatData.Add(floats);
                log.Add($"tensor '{tensor.Name}' raw_data moved to float_data ({floats.Length})");
                break;
            default:
                tensor.DataLocation = random.Next(2) == 0 ? random.Next(-3, 4) : int.MaxValue;
                log.Add($"tensor '{tensor.Name}' data_location {tensor.DataLocation}");
                break;
        }
    }

    /// <summary>NaN, ±Inf, subnormal and out-of-range payloads in the narrow float types.</summary>
    private static void SpecialPayloads(TensorProto? tensor, Random random, List<string> log)
    {
        if (tensor is null)
        {
            return;
        }

        var count = (int)Math.Min(256, tensor.Dims.Aggregate(1L, (a, b) => b <= 0 ? 0 : Math.Min(a * b, 1 << 20)));
        ushort[] specials = [0x7C00, 0xFC00, 0x7E00, 0x7C01, 0xFFFF, 0x7BFF, 0x0001, 0x8000, 0x7F80, 0xFF80, 0x7FC0];
        switch (random.Next(3))
        {
            case 0:
                tensor.DataType = (int)OnnxDataType.Float16;
                tensor.ClearRawData();
                tensor.FloatData.Clear();
                tensor.Int32Data.Clear();
                for (var i = 0; i < count; i++)
                {
                    // int32_data holds each half's bits; values beyond 16 bits are out of range.
                    tensor.Int32Data.Add(random.Next(3) == 0 ? random.Next(int.MinValue, int.MaxValue) : specials[random.Next(specials.Length)]);
                }

                log.Add($"tensor '{tensor.Name}' FLOAT16 int32_data with special and out-of-range bit patterns ({count})");
                break;
            case 1:
                tensor.DataType = random.Next(2) == 0 ? (int)OnnxDataType.Float16 : (int)OnnxDataType.BFloat16;
                tensor.FloatData.Clear();
                tensor.Int32Data.Clear();
                var bytes = new byte[count * 2];
                for (var i = 0; i < count; i++)
                {
                    BitConverter.TryWriteBytes(bytes.AsSpan(i * 2), specials[random.Next(specials.Length)]);
                }

                tensor.RawData = ByteString.CopyFrom(bytes);
                log.Add($"tensor '{tensor.Name}' {(OnnxDataType)tensor.DataType} raw_data with NaN/Inf payloads ({count})");
                break;
            default:
                tensor.DataType = random.Next(17, 23);
                tensor.FloatData.Clear();
                var narrow = new byte[tensor.DataType >= 21 ? (count + 1) / 2 : count];
                random.NextBytes(narrow);
                tensor.RawData = ByteString.CopyFrom(narrow);
                log.Add($"tensor '{tensor.Name}' {(OnnxDataType)tensor.DataType} random raw_data ({count})");
                break;
        }
    }

    private static void MutateExternal(TensorProto? tensor, Random random, List<string> log, IReadOnlyList<string> locations)
    {
        if (tensor is null)
        {
            return;
        }

        if (tensor.DataLocation != 1 || random.Next(3) == 0)
        {
            tensor.ClearRawData();
            tensor.FloatData.Clear();
            tensor.DataLocation = 1;
            tensor.ExternalData.Clear();
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = locations[random.Next(locations.Count)] });
        }

        switch (random.Next(7))
        {
            case 0 or 1:
                Set(tensor, "location", locations[random.Next(locations.Count)]);
                break;
            case 2:
                Set(tensor, "offset", s_numbers[random.Next(s_numbers.Length)]);
                break;
            case 3:
                Set(tensor, "length", s_numbers[random.Next(s_numbers.Length)]);
                break;
            case 4:
                tensor.ExternalData.Add(new StringStringEntryProto { Key = random.Next(2) == 0 ? "location" : "checksum", Value = locations[random.Next(locations.Count)] });
                break;
            case 5:
                if (tensor.ExternalData.Count > 0)
                {
                    tensor.ExternalData.RemoveAt(random.Next(tensor.ExternalData.Count));
                }

                break;
            default:
                tensor.RawData = ByteString.CopyFrom(new byte[4]);
                break;
        }

        log.Add($"tensor '{tensor.Name}' external data {string.Join(", ", tensor.ExternalData.Select(e => $"{e.Key}='{e.Value}'"))}");

        static void Set(TensorProto tensor, string key, string value)
        {
            var entry = tensor.ExternalData.FirstOrDefault(e => e.Key == key);
            if (entry is null)
            {
                tensor.ExternalData.Add(new StringStringEntryProto { Key = key, Value = value });
            }
            else
            {
                entry.Value = value;
            }
        }
    }

    private static void MutateAttribute(Parts parts, Random random, List<string> log)
    {
        var node = Pick(parts.Nodes, random);
        if (node is null)
        {
            return;
        }

        var attribute = node.Attribute.Count > 0 && random.Next(3) != 0 ? node.Attribute[random.Next(node.Attribute.Count)] : null;
        if (attribute is null)
        {
            attribute = new AttributeProto { Name = s_attributeNames[random.Next(s_attributeNames.Length)] };
            node.Attribute.Add(attribute);
        }

        switch (random.Next(10))
        {
            case 0:
                attribute.Type = random.Next(-1, 16);
                break;
            case 1:
                attribute.Type = 7;
                attribute.Ints.Clear();
                var n = random.Next(0, 6);
                for (var i = 0; i < n; i++)
                {
                    attribute.Ints.Add(PickDim(random, 1));
                }

                break;
            case 2:
                attribute.Type = 2;
                attribute.I = PickDim(random, attribute.I);
                break;
            case 3:
                attribute.Type = 1;
                attribute.F = random.Next(3) switch { 0 => float.NaN, 1 => float.NegativeInfinity, _ => -1e30f };
                break;
            case 4:
                attribute.Type = 3;
                attribute.S = ByteString.CopyFrom(random.Next(2) == 0 ? [0xFF, 0xFE, 0x00] : "SAME_UPPER"u8.ToArray());
                break;
            case 5:
                attribute.Type = 4;
                attribute.T = random.Next(2) == 0 ? null : Pick(parts.Tensors, random)?.Clone() ?? new TensorProto();
                break;
            case 6:
                attribute.Type = 5;
                attribute.G = random.Next(3) == 0 ? null : parts.Graphs[random.Next(parts.Graphs.Count)].Clone();
                break;
            case 7:
                node.Attribute.Add(attribute.Clone());
                break;
            case 8:
                attribute.Name = s_attributeNames[random.Next(s_attributeNames.Length)];
                break;
            default:
                node.Attribute.Remove(attribute);
                break;
        }

        log.Add($"node '{node.Name}' ({node.OpType}) attribute '{attribute.Name}' type {attribute.Type}");
    }

    private static void MutateWiring(Parts parts, Random random, List<string> log)
    {
        var graph = parts.Graphs[random.Next(parts.Graphs.Count)];
        if (graph.Node.Count == 0)
        {
            return;
        }

        var index = random.Next(graph.Node.Count);
        var node = graph.Node[index];
        switch (random.Next(7))
        {
            case 0 when node.Input.Count > 0:
                node.Input[random.Next(node.Input.Count)] = "undefined_" + random.Next(100);
                log.Add($"node '{node.Name}' reads an undefined value");
                break;
            case 1:
                // A cycle: read the output of this node or of a later one.
                var later = graph.Node[random.Next(index, graph.Node.Count)];
                if (later.Output.Count > 0)
                {
                    if (node.Input.Count == 0)
                    {
                        node.Input.Add(later.Output[0]);
                    }
                    else
                    {
                        node.Input[random.Next(node.Input.Count)] = later.Output[0];
                    }

                    log.Add($"node '{node.Name}' reads '{later.Output[0]}' (a cycle unless the file order was not topological)");
                }

                break;
            case 2:
                var other = graph.Node[random.Next(graph.Node.Count)];
                if (other.Output.Count > 0 && node.Output.Count > 0)
                {
                    node.Output[0] = other.Output[0];
                    log.Add($"node '{node.Name}' writes '{other.Output[0]}' too");
                }

                break;
            case 3:
                node.Input.Add(random.Next(2) == 0 ? string.Empty : graph.Initializer.Count > 0 ? graph.Initializer[random.Next(graph.Initializer.Count)].Name : "x");
                log.Add($"node '{node.Name}' gets an extra input");
                break;
            case 4 when node.Input.Count > 0:
                node.Input.RemoveAt(random.Next(node.Input.Count));
                log.Add($"node '{node.Name}' loses an input");
                break;
            case 5:
                graph.Node.RemoveAt(index);
                log.Add($"node '{node.Name}' removed");
                break;
            default:
                // Swap two nodes: the file is no longer topologically sorted.
                var j = random.Next(graph.Node.Count);
                (graph.Node[index], graph.Node[j]) = (graph.Node[j], graph.Node[index]);
                log.Add($"nodes {index} and {j} swapped");
                break;
        }
    }

    private static void MutateNodeOp(Parts parts, Random random, List<string> log)
    {
        var node = Pick(parts.Nodes, random);
        if (node is null)
        {
            return;
        }

        if (random.Next(4) == 0)
        {
            node.Domain = random.Next(3) switch { 0 => "com.microsoft", 1 => "ai.onnx.ml", _ => "ai.onnx" };
        }
        else
        {
            node.OpType = s_ops[random.Next(s_ops.Length)];
        }

        log.Add($"node '{node.Name}' is now {node.Domain}:{node.OpType}");
    }

    private static void DuplicateNodes(Parts parts, Random random, List<string> log)
    {
        var graph = parts.Graphs[random.Next(parts.Graphs.Count)];
        if (graph.Node.Count == 0)
        {
            return;
        }

        var node = graph.Node[random.Next(graph.Node.Count)];
        var copies = random.Next(1, random.Next(2) == 0 ? 4 : 2000);
        for (var i = 0; i < copies; i++)
        {
            var copy = node.Clone();
            if (random.Next(4) != 0)
            {
                for (var o = 0; o < copy.Output.Count; o++)
                {
                    copy.Output[o] = $"{copy.Output[o]}_copy{i}";
                }
            }

            graph.Node.Add(copy);
        }

        log.Add($"node '{node.Name}' duplicated {copies} times");
    }

    /// <summary>Wraps the graph (or a copy of it) in If/Loop subgraphs, sometimes beyond the nesting limit.</summary>
    private static void Nest(Parts parts, Random random, List<string> log)
    {
        var depth = random.Next(2) == 0 ? random.Next(1, 8) : random.Next(20, 120);
        var inner = random.Next(2) == 0 ? parts.Main.Clone() : new GraphProto { Name = "empty" };
        for (var i = 0; i < depth; i++)
        {
            var wrapper = new GraphProto { Name = $"level{i}" };
            var node = new NodeProto { OpType = random.Next(2) == 0 ? "If" : "Loop", Name = $"nest{i}", Output = { $"nest_out{i}" } };
            node.Input.Add(parts.Main.Input.Count > 0 ? parts.Main.Input[0].Name : string.Empty);
            node.Attribute.Add(new AttributeProto { Name = node.OpType == "If" ? "then_branch" : "body", Type = 5, G = inner });
            wrapper.Node.Add(node);
            inner = wrapper;
        }

        var host = new NodeProto { OpType = "If", Name = "nested", Output = { "nested_out" } };
        host.Input.Add(parts.Main.Input.Count > 0 ? parts.Main.Input[0].Name : string.Empty);
        host.Attribute.Add(new AttributeProto { Name = "then_branch", Type = 5, G = inner });
        host.Attribute.Add(new AttributeProto { Name = "else_branch", Type = 5, G = inner.Clone() });
        parts.Main.Node.Add(host);
        log.Add($"an If node with subgraphs nested {depth} deep");
    }

    private static void MutateInitializers(Parts parts, Random random, List<string> log)
    {
        var graph = parts.Main;
        if (graph.Initializer.Count == 0)
        {
            return;
        }

        var tensor = graph.Initializer[random.Next(graph.Initializer.Count)];
        switch (random.Next(6))
        {
            case 0:
                graph.Initializer.Add(tensor.Clone());
                log.Add($"initializer '{tensor.Name}' duplicated");
                break;
            case 1:
                var other = graph.Initializer[random.Next(graph.Initializer.Count)];
                log.Add($"initializer '{tensor.Name}' renamed to '{other.Name}'");
                tensor.Name = other.Name;
                break;
            case 2 when graph.Input.Count > 0:
                log.Add($"initializer '{tensor.Name}' renamed to the graph input '{graph.Input[0].Name}'");
                tensor.Name = graph.Input[0].Name;
                break;
            case 3:
                graph.Initializer.Remove(tensor);
                log.Add($"initializer '{tensor.Name}' removed");
                break;
            case 4:
                log.Add($"initializer '{tensor.Name}' loses its name");
                tensor.Name = string.Empty;
                break;
            default:
                // IR 3 style: the initializer is a graph input too, maybe with a shape that disagrees.
                var info = new ValueInfoProto { Name = tensor.Name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = random.Next(0, 17), Shape = new TensorShapeProto() } } };
                info.Type.TensorType.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = PickDim(random, 1) });
                graph.Input.Add(info);
                log.Add($"initializer '{tensor.Name}' also declared as a graph input");
                break;
        }
    }

    private static void MutateDeclaredValues(Parts parts, Random random, List<string> log)
    {
        var graph = parts.Main;
        var list = random.Next(3) switch { 0 => graph.Output, 1 => graph.ValueInfo, _ => graph.Input };
        if (list.Count == 0)
        {
            return;
        }

        var info = list[random.Next(list.Count)];
        switch (random.Next(8))
        {
            case 0:
                list.Remove(info);
                log.Add($"value '{info.Name}' no longer declared");
                break;
            case 1:
                list.Add(info.Clone());
                log.Add($"value '{info.Name}' declared twice");
                break;
            case 2:
                info.Type = random.Next(2) == 0 ? null : new TypeProto();
                log.Add($"value '{info.Name}' has no tensor type");
                break;
            case 3:
                info.Type ??= new TypeProto();
                info.Type.TensorType ??= new TypeProto.Types.Tensor();
                info.Type.TensorType.ElemType = random.Next(2) == 0 ? random.Next(0, 28) : s_dataTypes[random.Next(s_dataTypes.Length)];
                log.Add($"value '{info.Name}' elem_type {info.Type.TensorType.ElemType}");
                break;
            case 4:
                info.Name = random.Next(2) == 0 ? string.Empty : "undeclared_" + random.Next(10);
                log.Add($"value renamed to '{info.Name}'");
                break;
            default:
                info.Type ??= new TypeProto();
                info.Type.TensorType ??= new TypeProto.Types.Tensor { ElemType = 1 };
                info.Type.TensorType.Shape ??= new TensorShapeProto();
                var dims = info.Type.TensorType.Shape.Dim;
                if (dims.Count > 0 && random.Next(3) != 0)
                {
                    var dim = dims[random.Next(dims.Count)];
                    if (random.Next(4) == 0)
                    {
                        dim.DimParam = random.Next(2) == 0 ? string.Empty : "N";
                    }
                    else
                    {
                        dim.DimValue = PickDim(random, dim.DimValue);
                    }
                }
                else if (random.Next(2) == 0)
                {
                    dims.Add(new TensorShapeProto.Types.Dimension { DimValue = PickDim(random, 1) });
                }
                else if (dims.Count > 0)
                {
                    dims.RemoveAt(random.Next(dims.Count));
                }

                log.Add($"value '{info.Name}' shape [{string.Join(", ", dims.Select(d => d.HasDimValue ? d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture) : d.DimParam))}]");
                break;
        }
    }

    private static void MutateHeader(ModelProto model, Random random, List<string> log)
    {
        switch (random.Next(4))
        {
            case 0:
                model.OpsetImport.Clear();
                log.Add("no opset_import");
                break;
            case 1:
                if (model.OpsetImport.Count == 0)
                {
                    model.OpsetImport.Add(new OperatorSetIdProto());
                }

                model.OpsetImport[0].Version = new long[] { 0, -1, 1, 6, 7, 22, 1000, long.MaxValue }[random.Next(8)];
                log.Add($"opset {model.OpsetImport[0].Version}");
                break;
            case 2:
                model.OpsetImport.Add(new OperatorSetIdProto { Domain = random.Next(2) == 0 ? string.Empty : "com.example", Version = random.Next(0, 30) });
                log.Add("a second opset_import");
                break;
            default:
                model.IrVersion = new long[] { 0, -1, 1, 2, 3, 11, 100, long.MaxValue }[random.Next(8)];
                log.Add($"ir_version {model.IrVersion}");
                break;
        }
    }

    /// <summary>
    /// Inserts constant-folding nodes between an initializer and a layer: a chain of Identity,
    /// Reshape, Transpose, Concat, Add, ... that sometimes reads the previous value twice.
    /// </summary>
    private static void AddFoldingChain(Parts parts, Random random, List<string> log)
    {
        var graph = parts.Main;
        var consumer = graph.Node.FirstOrDefault(n => n.Input.Any(i => graph.Initializer.Any(t => t.Name == i)));
        if (consumer is null)
        {
            return;
        }

        var slot = consumer.Input.ToList().FindIndex(i => graph.Initializer.Any(t => t.Name == i));
        var previous = consumer.Input[slot];
        var length = random.Next(1, random.Next(2) == 0 ? 6 : 80);
        var twice = random.Next(2) == 0;
        string[] ops = ["Identity", "Add", "Mul", "Sub", "Div", "Concat", "Reshape", "Transpose", "Squeeze", "Unsqueeze", "Flatten", "Cast"];
        var op = ops[random.Next(ops.Length)];
        for (var i = 0; i < length; i++)
        {
            var name = $"fold{i}_{random.Next(1000)}";
            var node = new NodeProto { OpType = random.Next(4) == 0 ? ops[random.Next(ops.Length)] : op, Name = name, Output = { name } };
            node.Input.Add(previous);
            if (node.OpType is "Add" or "Mul" or "Sub" or "Div" or "Concat")
            {
                node.Input.Add(twice ? previous : graph.Initializer[random.Next(graph.Initializer.Count)].Name);
            }

            switch (node.OpType)
            {
                case "Concat":
                    node.Attribute.Add(new AttributeProto { Name = "axis", Type = 2, I = random.Next(-2, 2) });
                    break;
                case "Reshape":
                    node.Attribute.Add(new AttributeProto { Name = "shape", Type = 7, Ints = { -1 } });
                    break;
                case "Cast":
                    node.Attribute.Add(new AttributeProto { Name = "to", Type = 2, I = random.Next(0, 17) });
                    break;
                case "Unsqueeze":
                    node.Attribute.Add(new AttributeProto { Name = "axes", Type = 7, Ints = { random.Next(-1, 2) } });
                    break;
            }

            graph.Node.Insert(graph.Node.IndexOf(consumer), node);
            previous = name;
        }

        consumer.Input[slot] = previous;
        log.Add($"{length} folding nodes ({op}{(twice ? ", each reading the previous value twice" : string.Empty)}) before '{consumer.Name}'");
    }

    private static void AddSparseInitializer(Parts parts, Random random, List<string> log)
    {
        var values = Pick(parts.Tensors, random)?.Clone() ?? new TensorProto { DataType = 1 };
        values.Name = random.Next(2) == 0 && parts.Main.Initializer.Count > 0 ? parts.Main.Initializer[0].Name : "sparse";
        var sparse = new SparseTensorProto { Values = values, Indices = random.Next(2) == 0 ? null : new TensorProto { DataType = 7, Dims = { 1 }, Int64Data = { long.MaxValue } } };
        sparse.Dims.Add(PickDim(random, 4));
        parts.Main.SparseInitializer.Add(sparse);
        log.Add($"sparse initializer '{values.Name}'");
    }

    /// <summary>Every graph, node and tensor of the model, subgraphs included (to a bounded depth).</summary>
    private sealed class Parts
    {
        public Parts(ModelProto model)
        {
            Main = model.Graph;
            Visit(model.Graph, 0);
        }

        public GraphProto Main { get; }

        public List<GraphProto> Graphs { get; } = [];

        public List<NodeProto> Nodes { get; } = [];

        public List<TensorProto> Tensors { get; } = [];

        private void Visit(GraphProto graph, int depth)
        {
            if (depth > 16)
            {
                return;
            }

            Graphs.Add(graph);
            Tensors.AddRange(graph.Initializer);
            foreach (var sparse in graph.SparseInitializer)
            {
                if (sparse.Values is { } v)
                {
                    Tensors.Add(v);
                }
            }

            foreach (var node in graph.Node)
            {
                Nodes.Add(node);
                foreach (var attribute in node.Attribute)
                {
                    if (attribute.T is { } t)
                    {
                        Tensors.Add(t);
                    }

                    Tensors.AddRange(attribute.Tensors);
                    if (attribute.G is { } g)
                    {
                        Visit(g, depth + 1);
                    }

                    foreach (var sub in attribute.Graphs)
                    {
                        Visit(sub, depth + 1);
                    }
                }
            }
        }
    }
}
