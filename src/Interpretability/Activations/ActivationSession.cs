using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;

namespace Interpretability;

/// <summary>
/// One ONNX Runtime session over the model with a fixed set of extra graph outputs, created once
/// and reused for every run that asks for the same outputs. Runs are thread-safe.
/// </summary>
/// <remarks>
/// The first run for a given input shape lets ONNX Runtime allocate the outputs and records their
/// shapes; later runs with that input shape hand ONNX Runtime the destination arrays, so the
/// activations are written once, where the caller receives them, with no copy.
/// </remarks>
internal sealed class ActivationSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly ConcurrentDictionary<string, long[][]?> _outputShapes = new(StringComparer.Ordinal);

    public ActivationSession(Model model, IReadOnlyList<string> outputs)
    {
        OutputNames = [.. outputs];
        var bytes = RuntimeModel.Build(model, outputs);
        using var options = CreateOptions(model.Source.Options.Runtime);
        try
        {
            _session = new InferenceSession(bytes, options);
        }
        catch (OnnxRuntimeException ex)
        {
            _runOptions.Dispose();
            throw new ModelExecutionException(model.Source.Describe($"ONNX Runtime refused the model: {ex.Message}"), ex);
        }
    }

    /// <summary>The values this session returns, in order.</summary>
    public string[] OutputNames { get; }

    /// <summary>Runs with outputs allocated by ONNX Runtime.</summary>
    public IDisposableReadOnlyCollection<OrtValue> Run(IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputs) =>
        _session.Run(_runOptions, inputNames, inputs, OutputNames);

    /// <summary>Runs writing into the given outputs (one per <see cref="OutputNames"/>, of the recorded shapes).</summary>
    public void Run(IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputs, IReadOnlyCollection<OrtValue> outputs) =>
        _session.Run(_runOptions, inputNames, inputs, OutputNames, outputs);

    /// <summary>The output shapes recorded for an input shape, when every output is a FLOAT tensor; null when they cannot be bound.</summary>
    public bool TryGetOutputShapes(string inputKey, out long[][]? shapes) => _outputShapes.TryGetValue(inputKey, out shapes);

    public void RecordOutputShapes(string inputKey, long[][]? shapes) => _outputShapes.TryAdd(inputKey, shapes);

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
