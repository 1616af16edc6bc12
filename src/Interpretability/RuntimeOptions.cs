using Interpretability.Internals;

namespace Interpretability;

/// <summary>
/// How ONNX Runtime runs a model for <see cref="Model.GetActivations(System.Numerics.Tensors.Tensor{float})"/>
/// and <see cref="Model.Run(System.Numerics.Tensors.Tensor{float})"/>: threads, graph optimization,
/// and a hook to configure the session further (an execution provider for a GPU, for example).
/// Set it through <see cref="ModelLoadOptions.Runtime"/>.
/// </summary>
public sealed record RuntimeOptions
{
    private readonly int _intraOpThreads;
    private readonly int _interOpThreads;

    /// <summary>The defaults: ONNX Runtime's own thread counts, all graph optimizations, no spinning.</summary>
    public static RuntimeOptions Default { get; } = new();

    /// <summary>Threads used inside one operator (0: ONNX Runtime decides, one per physical core).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public int IntraOpThreads
    {
        get => _intraOpThreads;
        init => _intraOpThreads = value >= 0 ? value : ThrowHelper.ThrowArgumentOutOfRange<int>(nameof(IntraOpThreads), value, "Use 0 (automatic) or a positive thread count.");
    }

    /// <summary>Threads used to run independent operators in parallel (0: ONNX Runtime decides).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public int InterOpThreads
    {
        get => _interOpThreads;
        init => _interOpThreads = value >= 0 ? value : ThrowHelper.ThrowArgumentOutOfRange<int>(nameof(InterOpThreads), value, "Use 0 (automatic) or a positive thread count.");
    }

    /// <summary>How much ONNX Runtime rewrites the graph before running it. Requested activations are kept whatever the level: ONNX Runtime never fuses away a graph output.</summary>
    public GraphOptimization Optimization { get; init; } = GraphOptimization.All;

    /// <summary>Whether ONNX Runtime's worker threads spin while waiting for work (faster back-to-back runs, but busy CPUs between them). Off by default.</summary>
    public bool AllowSpinning { get; init; }

    /// <summary>
    /// Called with every <c>Microsoft.ML.OnnxRuntime.SessionOptions</c> before a session is created,
    /// after the settings above are applied: append an execution provider
    /// (<c>o => o.AppendExecutionProvider_CUDA(0)</c>), add config entries, enable profiling.
    /// </summary>
    public Action<Microsoft.ML.OnnxRuntime.SessionOptions>? ConfigureSession { get; init; }
}
