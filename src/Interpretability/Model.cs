namespace Interpretability;

/// <summary>A trained network read from an ONNX file: its layers, weights and metadata.</summary>
public sealed partial class Model : IDisposable
{
    private Model()
    {
    }

    /// <summary>The layers in topological order.</summary>
    public IReadOnlyList<Layer> Layers { get; private set; } = [];

    /// <summary>Reads an ONNX model from a file.</summary>
    /// <param name="path">The .onnx file.</param>
    /// <param name="options">Limits; <see cref="ModelLoadOptions.Default"/> when null.</param>
    /// <returns>The model.</returns>
    public static Model Load(string path, ModelLoadOptions? options = null) => throw new NotImplementedException();

    /// <summary>A Keras-like table of the layers.</summary>
    /// <returns>The table.</returns>
    public string Summary() => throw new NotImplementedException();

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
