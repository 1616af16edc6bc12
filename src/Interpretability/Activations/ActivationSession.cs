using Microsoft.ML.OnnxRuntime;

namespace Interpretability;

/// <summary>
/// One ONNX Runtime session over the model with a fixed set of extra graph outputs, created once
/// and reused for every run; each run fetches the outputs it needs. Runs are thread-safe.
/// </summary>
internal sealed class ActivationSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;

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

    /// <summary>Runs once and returns the values named in <paramref name="outputNames"/> (graph outputs of this session), in that order.</summary>
    public IDisposableReadOnlyCollection<OrtValue> Run(IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputs, IReadOnlyCollection<string> outputNames) =>
        _session.Run(_runOptions, inputNames, inputs, outputNames);

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
