namespace Interpretability.Onnx;

/// <summary>
/// Where a model came from and the limits it is read under: names the model in every error
/// message and locates its external data.
/// </summary>
/// <param name="Label">The model file's path, or a description such as "model stream".</param>
/// <param name="BaseDirectory">The folder external data is resolved against (full path), or null when there is none.</param>
/// <param name="Options">The limits.</param>
internal sealed record ModelSource(string Label, string? BaseDirectory, ModelLoadOptions Options)
{
    /// <summary>Formats "label: message" for exceptions.</summary>
    public string Describe(string message) => $"{Label}: {message}";

    public InvalidModelException Invalid(string message, Exception? inner = null) => new(Describe(message), inner);

    public UnsupportedModelException Unsupported(string message) => new(Describe(message));

    public ModelLimitExceededException Limit(string message) => new(Describe(message));

    public ExternalDataException External(string message, Exception? inner = null) => new(Describe(message), inner);

    public UnsafeExternalDataPathException Unsafe(string message) => new(Describe(message));
}
