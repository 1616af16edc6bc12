using Interpretability.Onnx.Schema;

namespace Interpretability.Onnx;

/// <summary>
/// The main graph of a model, checked and indexed: initializers by name, which node produces each
/// value, a topological order, and the kind of every value (activation, constant, shape).
/// </summary>
internal sealed class OnnxGraph
{
    private readonly Dictionary<string, TensorProto> _initializers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SparseTensorProto> _sparseInitializers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ValueKind> _kinds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ValueInfoProto> _valueInfos = new(StringComparer.Ordinal);

    public OnnxGraph(ModelProto model, ModelSource source)
    {
        Model = model;
        Source = source;
        Graph = model.Graph ?? throw source.Invalid(model.CalculateSize() == 0
            ? "the model is empty (no bytes, or no fields ONNX defines)."
            : "the file is not an ONNX model: it has no graph (field 7 of ModelProto).");
        if (Graph.Node.Count > source.Options.MaxNodes)
        {
            throw source.Limit($"the graph has {Graph.Node.Count:N0} nodes, beyond the limit of {source.Options.MaxNodes:N0} (ModelLoadOptions.MaxNodes).");
        }

        OpsetVersion = FindOpset(model);
        IndexInitializers();
        IndexInputsAndValueInfo();
        IndexProducers();
        Order = TopologicalOrder();
        ClassifyValues();
    }

    public ModelProto Model { get; }

    public GraphProto Graph { get; }

    public ModelSource Source { get; }

    /// <summary>The default-domain opset version (1 when the model declares none, as IR 1 and 2 files do).</summary>
    public long OpsetVersion { get; }

    /// <summary>Node indexes in an order where every node comes after the nodes it reads from (file order when the file is already sorted).</summary>
    public int[] Order { get; }

    /// <summary>Graph inputs that are not initializers: what the caller feeds.</summary>
    public IReadOnlyList<ValueInfoProto> RealInputs { get; private set; } = [];

    public IReadOnlyDictionary<string, TensorProto> Initializers => _initializers;

    /// <summary>Sparse initializers (ONNX's sparse_initializer), by the name of their values.</summary>
    public IReadOnlyDictionary<string, SparseTensorProto> SparseInitializers => _sparseInitializers;

    public ValueKind KindOf(string value) => _kinds.TryGetValue(value, out var kind) ? kind : ValueKind.Activation;

    public bool TryGetProducer(string value, out NodeProto node)
    {
        if (_producers.TryGetValue(value, out var index))
        {
            node = Graph.Node[index];
            return true;
        }

        node = null!;
        return false;
    }

    public ValueInfoProto? FindValueInfo(string value) => _valueInfos.GetValueOrDefault(value);

    private static long FindOpset(ModelProto model)
    {
        foreach (var opset in model.OpsetImport)
        {
            if (opset.Domain is "" or "ai.onnx")
            {
                return opset.Version;
            }
        }

        return 1;
    }

    private void IndexInitializers()
    {
        foreach (var initializer in Graph.Initializer)
        {
            if (string.IsNullOrEmpty(initializer.Name))
            {
                throw Source.Invalid("an initializer has no name.");
            }

            if (!_initializers.TryAdd(initializer.Name, initializer))
            {
                throw Source.Invalid($"two initializers are named '{initializer.Name}'.");
            }

            var header = TensorDecoder.ReadHeader(initializer, Source);
            TensorDecoder.ValidateStorage(initializer, header, Source);
            _kinds[initializer.Name] = ValueKind.Constant;
        }

        foreach (var sparse in Graph.SparseInitializer)
        {
            var name = sparse.Values?.Name;
            if (string.IsNullOrEmpty(name) || sparse.Indices is null)
            {
                throw Source.Invalid("a sparse initializer has no values (with a name) or no indices.");
            }

            if (_initializers.ContainsKey(name) || !_sparseInitializers.TryAdd(name, sparse))
            {
                throw Source.Invalid($"two initializers are named '{name}'.");
            }

            SparseTensors.Validate(sparse, Source);
            _kinds[name] = ValueKind.Constant;
        }
    }

    private void IndexInputsAndValueInfo()
    {
        var inputs = new List<ValueInfoProto>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in Graph.Input)
        {
            if (string.IsNullOrEmpty(input.Name))
            {
                throw Source.Invalid("a graph input has no name.");
            }

            if (!seen.Add(input.Name))
            {
                throw Source.Invalid($"the graph input '{input.Name}' is declared twice.");
            }

            _valueInfos[input.Name] = input;
            if (!_initializers.ContainsKey(input.Name))
            {
                // IR 3 files list every initializer as an input too; only the rest are fed by the caller.
                inputs.Add(input);
                _kinds[input.Name] = ValueKind.Activation;
            }
        }

        RealInputs = inputs;
        foreach (var info in Graph.ValueInfo.Concat(Graph.Output))
        {
            if (!string.IsNullOrEmpty(info.Name))
            {
                _valueInfos.TryAdd(info.Name, info);
            }
        }
    }

    private void IndexProducers()
    {
        for (var i = 0; i < Graph.Node.Count; i++)
        {
            var node = Graph.Node[i];
            if (string.IsNullOrEmpty(node.OpType))
            {
                throw Source.Invalid($"node #{i} ('{node.Name}') has no op_type.");
            }

            foreach (var output in node.Output)
            {
                if (output.Length == 0)
                {
                    continue; // an omitted optional output
                }

                if (_kinds.ContainsKey(output))
                {
                    throw Source.Invalid($"node {Attributes.NodeLabel(node)} writes '{output}', which is already a graph input or initializer.");
                }

                if (!_producers.TryAdd(output, i))
                {
                    throw Source.Invalid($"nodes {Attributes.NodeLabel(Graph.Node[_producers[output]])} and {Attributes.NodeLabel(node)} both write '{output}'; ONNX values are assigned once.");
                }
            }
        }

        for (var i = 0; i < Graph.Node.Count; i++)
        {
            var node = Graph.Node[i];
            foreach (var input in node.Input)
            {
                if (input.Length > 0 && !_producers.ContainsKey(input) && !_kinds.ContainsKey(input))
                {
                    throw Source.Invalid($"node {Attributes.NodeLabel(node)} reads '{input}', which no node, graph input or initializer defines.");
                }
            }
        }
    }

    /// <summary>Kahn's algorithm, always taking the lowest file index that is ready, so a sorted file keeps its order.</summary>
    private int[] TopologicalOrder()
    {
        var nodes = Graph.Node;
        var pending = new int[nodes.Count];
        var consumers = new List<int>?[nodes.Count];
        for (var i = 0; i < nodes.Count; i++)
        {
            foreach (var input in nodes[i].Input)
            {
                if (input.Length > 0 && _producers.TryGetValue(input, out var producer))
                {
                    pending[i]++;
                    (consumers[producer] ??= []).Add(i);
                }
            }
        }

        var ready = new PriorityQueue<int, int>();
        for (var i = 0; i < nodes.Count; i++)
        {
            if (pending[i] == 0)
            {
                ready.Enqueue(i, i);
            }
        }

        var order = new int[nodes.Count];
        var count = 0;
        while (ready.TryDequeue(out var index, out _))
        {
            order[count++] = index;
            if (consumers[index] is { } list)
            {
                foreach (var consumer in list)
                {
                    if (--pending[consumer] == 0)
                    {
                        ready.Enqueue(consumer, consumer);
                    }
                }
            }
        }

        if (count != nodes.Count)
        {
            var stuck = Enumerable.Range(0, nodes.Count).First(i => pending[i] > 0);
            throw Source.Invalid($"the graph has a cycle: node {Attributes.NodeLabel(nodes[stuck])} depends, directly or not, on its own output.");
        }

        return order;
    }

    private void ClassifyValues()
    {
        foreach (var index in Order)
        {
            var node = Graph.Node[index];
            var kind = Classify(node);
            foreach (var output in node.Output)
            {
                if (output.Length > 0)
                {
                    _kinds[output] = kind;
                }
            }
        }
    }

    private ValueKind Classify(NodeProto node)
    {
        if (node.Domain is "" or "ai.onnx")
        {
            switch (node.OpType)
            {
                case "Constant":
                    return ValueKind.Constant;
                case "Shape" or "Size":
                    return ValueKind.ShapeValue;
            }
        }

        var sawShape = false;
        foreach (var input in node.Input)
        {
            if (input.Length == 0)
            {
                continue;
            }

            switch (KindOf(input))
            {
                case ValueKind.Activation:
                    return ValueKind.Activation;
                case ValueKind.ShapeValue:
                    sawShape = true;
                    break;
            }
        }

        // A node with no inputs at all (RandomNormal, a custom source op) makes data rather than
        // transforming it: it is not a layer either.
        return sawShape ? ValueKind.ShapeValue : ValueKind.Constant;
    }

    /// <summary>True when the node computes on activations (it becomes a <see cref="Layer"/>).</summary>
    public bool IsLayer(NodeProto node) => node.Output.Any(o => o.Length > 0 && KindOf(o) == ValueKind.Activation)
        || (node.Output.All(o => o.Length == 0) && node.Input.Any(i => i.Length > 0 && KindOf(i) == ValueKind.Activation));
}
