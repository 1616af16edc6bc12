using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;

namespace Interpretability;

/// <summary>
/// One ONNX Runtime session over the model with a fixed set of extra graph outputs, created once
/// and reused for every run; each run fetches the outputs it needs. Runs are thread-safe.
/// </summary>
/// <remarks>
/// The first run for a given input shape lets ONNX Runtime allocate the outputs and records their
/// shapes; later runs with that input shape hand ONNX Runtime the destination arrays, so the
/// activations are written once, where the caller receives them, with no copy.
/// </remarks>
internal sealed class ActivationSession : IDisposable
{
    /// <summary>Output shapes are remembered for this many input shapes; runs with others still work, by copying.</summary>
    private const int MaxRecordedInputShapes = 256;

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;

    // Per input shape, each value's shape; null for a value that cannot be bound (not FLOAT, or shaped by the data).
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, long[]?>> _outputShapes = new(StringComparer.Ordinal);

    public ActivationSession(Model model, IReadOnlyCollection<string> extraOutputs)
    {
        // Native objects are made only once everything that can fail before them has succeeded.
        var bytes = RuntimeModel.Build(model, extraOutputs);
        using (var options = CreateOptions(model.Source.Options.Runtime))
        {
            try
            {
                _session = new InferenceSession(bytes, options);
            }
            catch (OnnxRuntimeException ex)
            {
                throw new ModelExecutionException(model.Source.Describe($"ONNX Runtime refused the model: {ex.Message}"), ex);
            }
        }

        try
        {
            _runOptions = new RunOptions();
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary>Runs with outputs allocated by ONNX Runtime, returning the values named in <paramref name="outputNames"/> in that order.</summary>
    public IDisposableReadOnlyCollection<OrtValue> Run(IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputs, IReadOnlyCollection<string> outputNames) =>
        _session.Run(_runOptions, inputNames, inputs, outputNames);

    /// <summary>Runs writing into the given outputs (one per name, of the recorded shapes).</summary>
    public void Run(IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputs, IReadOnlyCollection<string> outputNames, IReadOnlyCollection<OrtValue> outputs) =>
        _session.Run(_runOptions, inputNames, inputs, outputNames, outputs);

    /// <summary>The shapes recorded for an input shape, when every value named is a FLOAT tensor of known shape.</summary>
    public bool TryGetOutputShapes(string inputKey, string[] names, out long[][] shapes)
    {
        shapes = [];
        if (!_outputShapes.TryGetValue(inputKey, out var known))
        {
            return false;
        }

        var result = new long[names.Length][];
        for (var i = 0; i < names.Length; i++)
        {
            if (!known.TryGetValue(names[i], out var shape) || shape is null)
            {
                return false;
            }

            result[i] = shape;
        }

        shapes = result;
        return true;
    }

    /// <summary>Records the shapes a run produced (null for a value that cannot be bound), keeping a value already found unbindable so.</summary>
    public void RecordOutputShapes(string inputKey, string[] names, long[]?[] shapes)
    {
        if (_outputShapes.Count >= MaxRecordedInputShapes && !_outputShapes.ContainsKey(inputKey))
        {
            return;
        }

        var known = _outputShapes.GetOrAdd(inputKey, _ => new(StringComparer.Ordinal));
        for (var i = 0; i < names.Length; i++)
        {
            known.TryAdd(names[i], shapes[i]);
        }
    }

    /// <summary>The values' shapes depend on the data, not only on the input's shape: never bind them for this input shape again.</summary>
    public void ForgetOutputShapes(string inputKey, string[] names)
    {
        if (_outputShapes.TryGetValue(inputKey, out var known))
        {
            foreach (var name in names)
            {
                known[name] = null;
            }
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }

    private static SessionOptions CreateOptions(RuntimeOptions runtime)
    {
        var options = new SessionOptions
        {
            IntraOpNumThreads = runtime.IntraOpThreads,
            InterOpNumThreads = runtime.InterOpThreads,
            GraphOptimizationLevel = runtime.Optimization switch
            {
                GraphOptimization.Disabled => GraphOptimizationLevel.ORT_DISABLE_ALL,
                GraphOptimization.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                GraphOptimization.Extended => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
            },
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        try
        {
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", runtime.AllowSpinning ? "1" : "0");
            options.AddSessionConfigEntry("session.inter_op.allow_spinning", runtime.AllowSpinning ? "1" : "0");
            runtime.ConfigureSession?.Invoke(options);
            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }
}
