using System.Collections.Concurrent;
using System.Numerics.Tensors;
using Interpretability.Internals;
using Interpretability.Onnx;
using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace Interpretability;

/// <summary>Running the model with ONNX Runtime to read what any layer computes.</summary>
public sealed partial class Model
{
    // At most two sessions, whatever is asked: the model as it is (for Run), and the model with every
    // layer's output added (for GetActivations, which fetches the ones it needs). A session per set
    // of layers made the process grow by a session for every new combination asked for.
    private readonly ConcurrentDictionary<bool, Lazy<ActivationSession>> _sessions = new();
    private readonly Lock _lifetime = new();
    private int _inFlight;
    private ActivationAliases? _aliases;

    /// <summary>The model's only input (what <see cref="Run(Tensor{float})"/> and <see cref="GetActivations(Tensor{float})"/> feed).</summary>
    /// <exception cref="InvalidOperationException">The model has no input or several; use <see cref="GetActivations(IReadOnlyDictionary{string, Tensor{float}}, IEnumerable{Layer}?)"/>.</exception>
    public TensorInfo Input => Inputs.Count == 1
        ? Inputs[0]
        : ThrowHelper.ThrowInvalidOperation<TensorInfo>($"The model has {Inputs.Count} inputs ({string.Join(", ", Inputs)}); feed them by name with GetActivations(IReadOnlyDictionary<string, Tensor<float>>, ...).");

    /// <summary>Runs the model once, as ONNX Runtime would, and returns its first output (the predictions).</summary>
    /// <param name="input">
    /// The input as the model declares it, <c>[N, C, H, W]</c> for a CNN, or one example without the
    /// batch axis (<c>[C, H, W]</c>), which is then a batch of one. A scalar (rank 0) input is given
    /// as a tensor of one element, <c>[1]</c>.
    /// </param>
    /// <returns>A new tensor, with the batch axis.</returns>
    /// <exception cref="ArgumentException">The input's rank or a fixed dimension disagrees with <see cref="Input"/>; the message gives both shapes.</exception>
    /// <exception cref="UnsupportedModelException">The model's input is not FLOAT.</exception>
    /// <exception cref="ModelExecutionException">ONNX Runtime refused the model or failed to run it.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public Tensor<float> Run(Tensor<float> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var outputs = RunCore(new Dictionary<string, Tensor<float>> { [Input.Name] = input }, []);
        return outputs[0];
    }

    /// <summary>
    /// Runs the model once and returns the outputs of every layer: what the network itself
    /// computed at each step for this input.
    /// </summary>
    /// <remarks>
    /// The tensors are new and belong to the caller; a layer that only reshapes its input
    /// (Flatten, Reshape to a constant shape, Squeeze, Unsqueeze, Identity, Dropout) shares memory
    /// with its input layer's tensor. To read activations in a loop without allocating them each
    /// time, use <see cref="CreateActivationReader(IEnumerable{Layer})"/>.
    /// </remarks>
    /// <param name="input">The input, as for <see cref="Run(Tensor{float})"/>.</param>
    /// <returns>The activations of all layers, keyed by layer, and the model's outputs.</returns>
    /// <exception cref="ArgumentException">The input's shape disagrees with <see cref="Input"/>.</exception>
    /// <exception cref="UnsupportedModelException">The model's input is not FLOAT.</exception>
    /// <exception cref="ModelExecutionException">ONNX Runtime refused the model or failed to run it.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public Activations GetActivations(Tensor<float> input) => GetActivations(input, (IEnumerable<Layer>)Layers);

    /// <summary>Runs the model once and returns the outputs of the given layers.</summary>
    /// <param name="input">The input, as for <see cref="Run(Tensor{float})"/>.</param>
    /// <param name="layers">Layers of this model.</param>
    /// <returns>The activations, keyed by layer, and the model's outputs.</returns>
    /// <exception cref="ArgumentException">A layer belongs to another model, or the input's shape disagrees with <see cref="Input"/>.</exception>
    /// <exception cref="ModelExecutionException">ONNX Runtime refused the model or failed to run it.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public Activations GetActivations(Tensor<float> input, params IEnumerable<Layer> layers)
    {
        ArgumentNullException.ThrowIfNull(input);
        return GetActivations(new Dictionary<string, Tensor<float>> { [Input.Name] = input }, layers);
    }

    /// <summary>
    /// A reader that runs the model for the given layers again and again, writing their activations
    /// into the same buffers each time (no allocation per run once warm): for a loop over a dataset.
    /// </summary>
    /// <param name="layers">Layers of this model; all layers when none are given.</param>
    /// <returns>The reader; dispose it when done.</returns>
    /// <exception cref="ArgumentException">A layer belongs to another model.</exception>
    public ActivationReader CreateActivationReader(params IEnumerable<Layer> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var list = layers.ToList();
        return new ActivationReader(this, list.Count == 0 ? null : list);
    }

    /// <summary>Runs the model once and returns the outputs of the layers with the given names.</summary>
    /// <param name="input">The input, as for <see cref="Run(Tensor{float})"/>.</param>
    /// <param name="layerNames">Names of layers (<see cref="Layer.Name"/>).</param>
    /// <returns>The activations, keyed by layer, and the model's outputs.</returns>
    /// <exception cref="ArgumentException">A name is not a layer of this model (the message lists the valid ones), or the input's shape disagrees with <see cref="Input"/>.</exception>
    /// <exception cref="ModelExecutionException">ONNX Runtime refused the model or failed to run it.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public Activations GetActivations(Tensor<float> input, params IEnumerable<string> layerNames)
    {
        ArgumentNullException.ThrowIfNull(layerNames);
        return GetActivations(input, layerNames.Select(GetLayer).ToArray());
    }

    /// <summary>
    /// Runs a model with several inputs once and returns the outputs of the given layers (all layers
    /// when null). A layer whose node writes no value (every output omitted) has no activation and is
    /// left out of the result.
    /// </summary>
    /// <param name="inputs">One tensor per model input, by input name.</param>
    /// <param name="layers">Layers of this model, or null for all.</param>
    /// <returns>The activations, keyed by layer, and the model's outputs.</returns>
    /// <exception cref="ArgumentException">An input is missing, unknown or mis-shaped, or a layer belongs to another model.</exception>
    /// <exception cref="ModelExecutionException">ONNX Runtime refused the model or failed to run it.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public Activations GetActivations(IReadOnlyDictionary<string, Tensor<float>> inputs, IEnumerable<Layer>? layers = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var (chosen, values) = PlanActivations(layers);
        return MakeActivations(chosen, values, RunCore(inputs, values));
    }

    /// <summary>
    /// The requested layers (checked to be this model's, in model order) and the distinct values
    /// they output. A node whose outputs are all omitted is still a layer, but it writes no
    /// activation to read: it adds no value.
    /// </summary>
    internal (Layer[] Chosen, string[] Values) PlanActivations(IEnumerable<Layer>? layers)
    {
        var chosen = (layers ?? Layers).Distinct().OrderBy(l => l?.Index ?? -1).ToArray();
        Interpretability.Activations.ThrowIfEmpty(chosen.Length);
        foreach (var layer in chosen)
        {
            if (layer is null || layer.Index >= Layers.Count || !ReferenceEquals(Layers[layer.Index], layer))
            {
                ThrowHelper.ThrowArgument(nameof(layers), layer is null ? "A layer in the list is null." : $"Layer '{layer.Name}' does not belong to this model.");
            }
        }

        return (chosen, Writing(chosen).Select(l => l.Outputs[0]).Distinct(StringComparer.Ordinal).ToArray());
    }

    /// <summary>Keys the run's results (the model's outputs, then the requested values) by layer; layers that write no value are left out.</summary>
    internal Activations MakeActivations(Layer[] chosen, string[] values, Tensor<float>[] results)
    {
        var byValue = new Dictionary<string, Tensor<float>>(StringComparer.Ordinal);
        for (var i = 0; i < values.Length; i++)
        {
            byValue[values[i]] = results[Outputs.Count + i];
        }

        return new Interpretability.Activations(
            this,
            Writing(chosen).ToDictionary(l => l, l => byValue[l.Outputs[0]]),
            [.. results.Take(Outputs.Count)]);
    }

    /// <summary>Runs the model and returns its outputs followed by the requested values.</summary>
    internal Tensor<float>[] RunCore(IReadOnlyDictionary<string, Tensor<float>> inputs, string[] extraValues, OutputBuffers? reuse = null)
    {
        Enter();
        try
        {
            var allLayers = extraValues.Length > 0;
            var session = _sessions.GetOrAdd(allLayers, all => new Lazy<ActivationSession>(() => new ActivationSession(this, all ? LayerValues() : []))).Value;

            // A value asked for twice (the last layer usually writes the model's output) is fetched
            // once: bound to two arrays, ONNX Runtime fills only one of them. A layer that only
            // reshapes its input is not fetched at all: its input's data is, and is reshaped here.
            var aliases = Aliases;
            var (requested, fetch, direct) = reuse is null ? PlanFetch(extraValues) : reuse.Plan ??= PlanFetch(extraValues);
            var results = Execute(session, inputs, fetch, reuse);
            if (direct)
            {
                return results;
            }

            var byName = fetch.Zip(results).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
            var given = new HashSet<string>(StringComparer.Ordinal);
            return [.. requested.Select(name =>
                aliases.IsAlias(name) ? (reuse is null ? aliases.Apply(name, byName[aliases.SourceOf(name)], Source) : reuse.Alias(name, byName[aliases.SourceOf(name)], aliases, Source))
                : given.Add(name) || reuse is not null ? byName[name]
                : Tensor.Create(byName[name].ToArray(), byName[name].Lengths))];
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// The values a run returns (the model's outputs, then <paramref name="extraValues"/>), the values
    /// it asks ONNX Runtime for (each once, an alias's source instead of the alias), and whether the
    /// two are the same list.
    /// </summary>
    private (string[] Requested, string[] Fetch, bool Direct) PlanFetch(string[] extraValues)
    {
        var aliases = Aliases;
        string[] requested = [.. Outputs.Select(o => o.Name).Concat(extraValues)];
        var fetch = requested.Select(aliases.SourceOf).Distinct(StringComparer.Ordinal).ToArray();
        return (requested, fetch, fetch.Length == requested.Length && !requested.Any(aliases.IsAlias));
    }

    /// <summary>The layers of <paramref name="layers"/> that write a value (their first output).</summary>
    private static IEnumerable<Layer> Writing(IEnumerable<Layer> layers) => layers.Where(l => l.Outputs.Count > 0 && l.Outputs[0].Length > 0);

    /// <summary>
    /// The value every layer writes (its first output), once each, except layers that only reshape
    /// another value: the extra outputs of the all-layers session.
    /// </summary>
    internal string[] LayerValues() => [.. Writing(Layers).Select(l => l.Outputs[0]).Where(v => !Aliases.IsAlias(v)).Distinct(StringComparer.Ordinal)];

    private ActivationAliases Aliases => LazyInitializer.EnsureInitialized(ref _aliases, () => new ActivationAliases(this));

    /// <summary>Runs <paramref name="session"/> and returns the values named in <paramref name="fetch"/>, in that order.</summary>
    private unsafe Tensor<float>[] Execute(ActivationSession session, IReadOnlyDictionary<string, Tensor<float>> inputs, string[] fetch, OutputBuffers? reuse = null)
    {
        foreach (var name in inputs.Keys)
        {
            if (!Inputs.Any(i => i.Name == name))
            {
                ThrowHelper.ThrowArgument(nameof(inputs), $"The model has no input named '{name}'; its inputs are {string.Join(", ", Inputs)}.");
            }
        }

        var names = new List<string>(Inputs.Count);
        var values = new List<OrtValue>(Inputs.Count);
        var pins = new List<System.Buffers.MemoryHandle>(Inputs.Count);
        var key = new System.Text.StringBuilder();
        try
        {
            foreach (var declared in Inputs)
            {
                if (!inputs.TryGetValue(declared.Name, out var given))
                {
                    ThrowHelper.ThrowArgument(nameof(inputs), $"No tensor was given for the model's input {declared}.");
                }

                var shape = CheckInput(declared, given);
                var dense = given.IsDense ? given : given.ToDenseTensor();
                var pin = dense.GetPinnedHandle();
                pins.Add(pin);
                values.Add(OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float, shape, (IntPtr)pin.Pointer, dense.FlattenedLength * sizeof(float)));
                names.Add(declared.Name);
                key.Append(Shapes.Format(shape)).Append(';');
            }

            var inputKey = key.ToString();
            if (session.TryGetOutputShapes(inputKey, fetch, out var shapes))
            {
                try
                {
                    return reuse is null ? RunIntoNewArrays(session, names, values, fetch, shapes) : reuse.Run(session, names, values, fetch, inputKey, shapes);
                }
                catch (OnnxRuntimeException)
                {
                    // The shapes depend on the data, not only on the input's shape: never bind this input shape again.
                    session.ForgetOutputShapes(inputKey, fetch);
                    reuse?.Forget(inputKey);
                }
            }

            return RunAndCopy(session, names, values, fetch, inputKey);
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }

            foreach (var pin in pins)
            {
                pin.Dispose();
            }
        }
    }

    /// <summary>ONNX Runtime allocates the outputs; they are copied into new tensors and their shapes recorded for next time.</summary>
    private Tensor<float>[] RunAndCopy(ActivationSession session, List<string> names, List<OrtValue> values, string[] fetch, string inputKey)
    {
        IDisposableReadOnlyCollection<OrtValue> results;
        try
        {
            results = session.Run(names, values, fetch);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelExecutionException(Source.Describe($"ONNX Runtime failed to run the model: {ex.Message}"), ex);
        }

        using (results)
        {
            var tensors = new Tensor<float>[results.Count];
            var shapes = new long[]?[results.Count];
            var index = 0;
            foreach (var result in results)
            {
                tensors[index] = ToTensor(result, fetch[index]);
                var info = result.GetTensorTypeAndShape();
                shapes[index] = info.ElementDataType == TensorElementType.Float ? info.Shape : null;
                index++;
            }

            session.RecordOutputShapes(inputKey, fetch, shapes);
            return tensors;
        }
    }

    /// <summary>ONNX Runtime writes straight into new arrays, which become the returned tensors: no copy.</summary>
    private static unsafe Tensor<float>[] RunIntoNewArrays(ActivationSession session, List<string> names, List<OrtValue> values, string[] fetch, long[][] shapes)
    {
        var arrays = new float[shapes.Length][];
        var handles = new System.Runtime.InteropServices.GCHandle[shapes.Length];
        var outputs = new OrtValue[shapes.Length];
        try
        {
            for (var i = 0; i < shapes.Length; i++)
            {
                arrays[i] = GC.AllocateUninitializedArray<float>(checked((int)shapes[i].Aggregate(1L, (a, b) => a * b)));
                handles[i] = System.Runtime.InteropServices.GCHandle.Alloc(arrays[i], System.Runtime.InteropServices.GCHandleType.Pinned);
                outputs[i] = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float, shapes[i], handles[i].AddrOfPinnedObject(), arrays[i].LongLength * sizeof(float));
            }

            session.Run(names, values, fetch, outputs);
            var tensors = new Tensor<float>[shapes.Length];
            for (var i = 0; i < shapes.Length; i++)
            {
                tensors[i] = TensorArrays.Wrap(arrays[i], OutputBuffers.Lengths(shapes[i]));
            }

            return tensors;
        }
        finally
        {
            foreach (var output in outputs)
            {
                output?.Dispose();
            }

            foreach (var handle in handles)
            {
                if (handle.IsAllocated)
                {
                    handle.Free();
                }
            }
        }
    }

    /// <summary>Checks a tensor against the declared input and returns the shape to feed (adding a batch axis of one when it is missing).</summary>
    private long[] CheckInput(TensorInfo declared, Tensor<float> given)
    {
        if (declared.ElementType != OnnxDataType.Float)
        {
            throw Source.Unsupported($"the model's input {declared} is not FLOAT; activations are read by feeding float tensors.");
        }

        var lengths = given.Lengths.ToArray().Select(l => (long)l).ToArray();
        if (declared.Shape is not { } expected)
        {
            return lengths;
        }

        if (expected.Count == 0 && lengths is [1])
        {
            return []; // a Tensor<float> has rank 1 or more: a scalar input is given as one element
        }

        if (lengths.Length == expected.Count - 1 && expected.Count > 1 && expected[0] is null or 1)
        {
            lengths = [1, .. lengths];
        }

        if (lengths.Length != expected.Count)
        {
            ThrowHelper.ThrowArgument("input", $"The model's input {declared} has {expected.Count} dimensions; the tensor given is {Shapes.Format(given.Lengths)}. Give [{string.Join(", ", expected.Select((d, i) => d?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? declared.DimensionNames[i] ?? "N"))}].");
        }

        for (var axis = 0; axis < expected.Count; axis++)
        {
            if (expected[axis] is int size && size != lengths[axis])
            {
                var what = expected.Count == 4 && axis == 1 ? "channels" : $"axis {axis}";
                ThrowHelper.ThrowArgument("input", $"The model's input {declared} needs {size} along {what}; the tensor given is {Shapes.Format(given.Lengths)}.");
            }
        }

        return lengths;
    }

    private Tensor<float> ToTensor(OrtValue value, string name)
    {
        if (!value.IsTensor)
        {
            throw Source.Unsupported($"'{name}' is not a tensor (ONNX Runtime returned a {value.OnnxType}).");
        }

        var info = value.GetTensorTypeAndShape();
        var type = (OnnxDataType)(int)info.ElementDataType;
        if (!OnnxDataTypes.IsNumeric(type) || type is OnnxDataType.Int4 or OnnxDataType.UInt4)
        {
            throw Source.Unsupported($"'{name}' holds {OnnxDataTypes.Name(type)} values, which cannot be returned as floats.");
        }

        var shape = info.Shape;
        var count = checked((int)info.ElementCount);
        var data = GC.AllocateUninitializedArray<float>(count);
        if (type == OnnxDataType.Float)
        {
            value.GetTensorDataAsSpan<float>().CopyTo(data);
        }
        else
        {
            TensorDecoder.ConvertRaw(value.GetTensorMutableRawData(), type, data);
        }

        return TensorArrays.Wrap(data, OutputBuffers.Lengths(shape));
    }

    private void Enter()
    {
        lock (_lifetime)
        {
            if (_disposed != 0)
            {
                ThrowHelper.ThrowObjectDisposed(this);
            }

            _inFlight++;
        }
    }

    private void Exit()
    {
        lock (_lifetime)
        {
            if (--_inFlight == 0 && _disposed != 0)
            {
                DisposeSessions();
            }
        }
    }

    private void DisposeSessions()
    {
        foreach (var session in _sessions.Values)
        {
            if (session.IsValueCreated)
            {
                session.Value.Dispose();
            }
        }

        _sessions.Clear();
    }
}
