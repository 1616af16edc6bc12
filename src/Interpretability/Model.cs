using System.Globalization;
using System.Text;
using Interpretability.Internals;
using Interpretability.Onnx;
using Interpretability.Onnx.Schema;

namespace Interpretability;

/// <summary>
/// A trained network read from an ONNX file: its layers in topological order, their weights, its
/// declared inputs and outputs, and metadata. Any ONNX model from any exporter (PyTorch, Keras
/// through tf2onnx, CNTK, ...) with IR version 3 or later.
/// </summary>
/// <example>
/// <code>
/// using var model = Model.Load("cnn.onnx");
/// Console.WriteLine(model.Summary());
/// var weights = model.Layers[0].GetWeights();   // kernel [5, 1, 3, 3], bias [5]
/// var kernel0 = weights.Kernel2D(kernel: 0);     // [3, 3]
/// </code>
/// </example>
/// <remarks>
/// Loading checks the whole file: protobuf structure, every initializer's dims against its stored
/// data, external data locations, the graph's wiring and node attributes. Errors are
/// <see cref="InvalidModelException"/> or one of its subtypes and name the file, the tensor or
/// node, the value and the limit. A model is immutable after loading and safe to use from many
/// threads.
/// </remarks>
public sealed partial class Model : IDisposable
{
    private readonly Dictionary<string, Layer> _layersByName;
    private readonly ShapeInference _shapes;
    private int _disposed;

    private Model(ModelProto proto, ModelSource source)
    {
        Proto = proto;
        Source = source;
        Graph = new OnnxGraph(proto, source);
        Folder = new ConstantFolder(Graph);
        _shapes = new ShapeInference(Graph, Folder);
        Layers = LayerFactory.CreateLayers(this, Graph, Folder, _shapes);
        _layersByName = Layers.ToDictionary(l => l.Name, StringComparer.Ordinal);
        Inputs = [.. Graph.RealInputs.Select(Describe)];
        Outputs = [.. Graph.Graph.Output.Select(Describe)];
    }

    /// <summary>The layers (nodes that compute on activations) in topological order.</summary>
    public IReadOnlyList<Layer> Layers { get; }

    /// <summary>The inputs the caller feeds (graph inputs that are not initializers).</summary>
    public IReadOnlyList<TensorInfo> Inputs { get; }

    /// <summary>The graph's outputs.</summary>
    public IReadOnlyList<TensorInfo> Outputs { get; }

    /// <summary>The file the model was loaded from, or null when it came from a stream or bytes.</summary>
    public string? Path { get; private init; }

    /// <summary>The ONNX IR version of the file (3 for ONNX 1.0-era files, 10 for ONNX 1.16).</summary>
    public long IrVersion => Proto.IrVersion;

    /// <summary>The version of the default (ai.onnx) operator set the model uses.</summary>
    public long OpsetVersion => Graph.OpsetVersion;

    /// <summary>The tool that wrote the file ("pytorch", "tf2onnx", "CNTK", ...), or empty.</summary>
    public string ProducerName => Proto.ProducerName;

    /// <summary>The version of the tool that wrote the file, or empty.</summary>
    public string ProducerVersion => Proto.ProducerVersion;

    /// <summary>The graph's name, or empty.</summary>
    public string GraphName => Graph.Graph.Name;

    internal ModelProto Proto { get; }

    internal ModelSource Source { get; }

    internal OnnxGraph Graph { get; }

    internal ConstantFolder Folder { get; }

    internal ShapeInference InferredShapes => _shapes;

    /// <summary>Reads an ONNX model file. External data is read from the file's folder.</summary>
    /// <param name="path">The .onnx file.</param>
    /// <param name="options">Limits; <see cref="ModelLoadOptions.Default"/> when null.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidModelException">The file is not a valid ONNX model (see the subtypes for external data and limits).</exception>
    public static Model Load(string path, ModelLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full) && !Directory.Exists(full))
        {
            throw new FileNotFoundException($"The model file '{path}' does not exist.", path);
        }

        var source = new ModelSource(path, System.IO.Path.GetDirectoryName(full), options ?? ModelLoadOptions.Default);
        var bytes = ModelReader.ReadFile(full, source);
        return new Model(ModelReader.Parse(bytes, 0, bytes.Length, source), source) { Path = full };
    }

    /// <summary>Reads an ONNX model from a stream (read to its end; not disposed).</summary>
    /// <param name="stream">The model's bytes.</param>
    /// <param name="baseDirectory">The folder that holds the model's external data files; null when the model has none.</param>
    /// <param name="options">Limits; <see cref="ModelLoadOptions.Default"/> when null.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="InvalidModelException">The bytes are not a valid ONNX model.</exception>
    public static Model Load(Stream stream, string? baseDirectory = null, ModelLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var source = CreateSource("model stream", baseDirectory, options);
        var bytes = ModelReader.ReadAll(stream, source);
        return new Model(ModelReader.Parse(bytes, 0, bytes.Length, source), source);
    }

    /// <summary>Reads an ONNX model from bytes in memory.</summary>
    /// <param name="bytes">The model's bytes.</param>
    /// <param name="baseDirectory">The folder that holds the model's external data files; null when the model has none.</param>
    /// <param name="options">Limits; <see cref="ModelLoadOptions.Default"/> when null.</param>
    /// <returns>The model.</returns>
    /// <exception cref="InvalidModelException">The bytes are not a valid ONNX model.</exception>
    public static Model Load(ReadOnlyMemory<byte> bytes, string? baseDirectory = null, ModelLoadOptions? options = null)
    {
        var source = CreateSource("model bytes", baseDirectory, options);
        var (array, offset, count) = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bytes, out var segment)
            ? (segment.Array!, segment.Offset, segment.Count)
            : (bytes.ToArray(), 0, bytes.Length);
        return new Model(ModelReader.Parse(array, offset, count, source), source);
    }

    private static ModelSource CreateSource(string label, string? baseDirectory, ModelLoadOptions? options)
    {
        var directory = string.IsNullOrEmpty(baseDirectory) ? null : System.IO.Path.GetFullPath(baseDirectory);
        if (directory is not null && !Directory.Exists(directory))
        {
            ThrowHelper.ThrowArgument(nameof(baseDirectory), $"The base folder '{baseDirectory}' does not exist.");
        }

        return new ModelSource(label, directory, options ?? ModelLoadOptions.Default);
    }

    /// <summary>The layer with the given name.</summary>
    /// <param name="name">A layer name, as in <see cref="Layer.Name"/>.</param>
    /// <returns>The layer.</returns>
    /// <exception cref="ArgumentException">No layer has that name; the message lists the names there are.</exception>
    public Layer GetLayer(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _layersByName.TryGetValue(name, out var layer)
            ? layer
            : ThrowHelper.ThrowArgument<Layer>(nameof(name), $"The model has no layer named '{name}'. Its layers are: {string.Join(", ", Layers.Select(l => $"'{l.Name}'"))}.");
    }

    /// <summary>Looks a layer up by name.</summary>
    /// <param name="name">A layer name.</param>
    /// <param name="layer">The layer, when found.</param>
    /// <returns>True when the model has a layer of that name.</returns>
    public bool TryGetLayer(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Layer? layer) =>
        _layersByName.TryGetValue(name, out layer);

    /// <summary>
    /// A Keras-like table of the model: for each layer its index, name, operator, output shape
    /// (where known) and parameter count, then the totals. A layer whose weights cannot be read
    /// (see <see cref="Layer.GetWeights"/>) shows "?" as its parameter count; the table itself never
    /// fails for a model that loaded.
    /// </summary>
    /// <returns>The table, one line per layer.</returns>
    public string Summary()
    {
        var rows = Layers.Select(l => (
            Index: l.Index.ToString(CultureInfo.InvariantCulture),
            Layer: $"{l.Name} ({l.OpType})",
            Shape: l.Outputs.Count > 0 && _shapes.ShapeOf(l.Outputs[0]) is { } shape ? $"[{string.Join(", ", shape)}]" : "?",
            Parameters: TryCountParameters(l) is long count ? count.ToString("N0", CultureInfo.InvariantCulture) : "?")).ToList();
        const string IndexHeader = "#";
        const string LayerHeader = "Layer (type)";
        const string ShapeHeader = "Output shape";
        const string ParameterHeader = "Param #";
        var indexWidth = Math.Max(IndexHeader.Length, rows.Select(r => r.Index.Length).DefaultIfEmpty(0).Max());
        var layerWidth = Math.Max(LayerHeader.Length, rows.Select(r => r.Layer.Length).DefaultIfEmpty(0).Max());
        var shapeWidth = Math.Max(ShapeHeader.Length, rows.Select(r => r.Shape.Length).DefaultIfEmpty(0).Max());
        var parameterWidth = Math.Max(ParameterHeader.Length, rows.Select(r => r.Parameters.Length).DefaultIfEmpty(0).Max());
        var width = indexWidth + layerWidth + shapeWidth + parameterWidth + 6;

        var text = new StringBuilder();
        var producer = string.IsNullOrEmpty(ProducerName) ? string.Empty : $", {ProducerName} {ProducerVersion}".TrimEnd();
        text.Append(CultureInfo.InvariantCulture, $"Model: \"{GraphName}\" (ONNX IR {IrVersion}, opset {OpsetVersion}{producer})").AppendLine();
        foreach (var input in Inputs)
        {
            text.Append("Input: ").Append(input).AppendLine();
        }

        text.Append('_', width).AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"{IndexHeader.PadLeft(indexWidth)}  {LayerHeader.PadRight(layerWidth)}  {ShapeHeader.PadRight(shapeWidth)}  {ParameterHeader.PadLeft(parameterWidth)}").AppendLine();
        text.Append('=', width).AppendLine();
        foreach (var row in rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"{row.Index.PadLeft(indexWidth)}  {row.Layer.PadRight(layerWidth)}  {row.Shape.PadRight(shapeWidth)}  {row.Parameters.PadLeft(parameterWidth)}").AppendLine();
        }

        text.Append('=', width).AppendLine();
        // Weights shared by several layers count once; layers whose weights cannot be read are named.
        var unreadable = rows.Count(r => r.Parameters == "?");
        var total = Layers.Where(l => TryCountParameters(l) is not null).Select(l => l.Definition).SelectMany(d => d.Weights)
            .DistinctBy(w => w.Name).Sum(w => w.Dims(Folder).Aggregate(1L, (a, b) => a * b));
        var caveat = unreadable == 0 ? string.Empty : $" (and the weights of {unreadable} layer{(unreadable == 1 ? string.Empty : "s")} that cannot be read)";
        text.Append(CultureInfo.InvariantCulture, $"Total params: {total:N0}{caveat}").AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"Layers: {Layers.Count} (of {Graph.Graph.Node.Count} nodes; the rest make constants or shapes)").AppendLine();
        return text.ToString();
    }

    /// <summary>
    /// Releases the ONNX Runtime sessions this model created (at most two: one for
    /// <see cref="Run(System.Numerics.Tensors.Tensor{float})"/>, one for every
    /// <see cref="GetActivations(System.Numerics.Tensors.Tensor{float})"/> call, whatever the layers asked
    /// for). Runs already in progress on other
    /// threads finish first (the sessions are released when the last one ends); later runs throw
    /// <see cref="ObjectDisposedException"/>. Layers and weights stay readable.
    /// </summary>
    public void Dispose()
    {
        lock (_lifetime)
        {
            if (_disposed != 0)
            {
                return;
            }

            _disposed = 1;
            if (_inFlight == 0)
            {
                DisposeSessions();
            }
        }
    }

    private static long? TryCountParameters(Layer layer)
    {
        try
        {
            return layer.ParameterCount;
        }
        catch (InvalidModelException)
        {
            return null;
        }
    }

    private static TensorInfo Describe(ValueInfoProto info)
    {
        var elementType = (OnnxDataType)(info.Type?.TensorType?.ElemType ?? 0);
        var shape = ShapeInference.Declared(info);
        return new TensorInfo(
            info.Name,
            elementType,
            shape?.Select(d => d.Value is long v and <= int.MaxValue ? (int?)v : null).ToArray(),
            shape?.Select(d => d.Value is null ? d.Symbol : null).ToArray());
    }
}
