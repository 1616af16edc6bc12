using System.Globalization;
using System.Text;
using Interpretability;

namespace FashionMnistLecture;

/// <summary>
/// The lecture, step by step. Each step writes what it does to <see cref="Log"/> and returns
/// what it found, so the tests run the same steps the program runs.
/// </summary>
public sealed class Lecture(LectureOptions options, TextWriter log) : IDisposable
{
    private Model? _model;

    /// <summary>Where the narration goes.</summary>
    public TextWriter Log { get; } = log;

    /// <summary>The options the lecture runs with.</summary>
    public LectureOptions Options { get; } = options;

    /// <summary>The model, loaded by <see cref="LoadModel"/>.</summary>
    public Model Model => _model ?? throw new InvalidOperationException("Call LoadModel first.");

    /// <summary>Step 1: load the model and print its summary.</summary>
    public Model LoadModel()
    {
        Log.WriteLine($"Loading {Options.ModelPath}");
        _model = Model.Load(Options.ModelPath);
        Log.WriteLine(_model.Summary());
        return _model;
    }

    /// <summary>Step 2: the first convolutional layer's weights, in ONNX and Keras order, and kernel 0 as a 3x3 array.</summary>
    public LayerWeights FirstLayerWeights()
    {
        var conv = Model.Layers.OfType<Conv2DLayer>().First();
        var weights = conv.GetWeights();
        var keras = weights.InKerasOrder();
        Log.WriteLine($"First convolutional layer: {conv.Name}, {conv.Filters} kernels of {conv.KernelSize.Height}x{conv.KernelSize.Width} over {conv.InputChannels} channel(s).");
        Log.WriteLine($"  GetWeights() gives {weights.Count} arrays: kernel {Shape(weights.Kernel)} and bias {Shape(weights.Bias!)} (ONNX order: out, in, kh, kw).");
        Log.WriteLine($"  In Keras order (kh, kw, in, out), as the lecture shows them: kernel {Shape(keras.Kernel)} and bias {Shape(keras.Bias!)}.");
        Log.WriteLine("  Kernel 0 as a 3x3 array:");
        Log.WriteLine(Matrix(weights.Kernel2D(0)));
        return weights;
    }

    /// <inheritdoc/>
    public void Dispose() => _model?.Dispose();

    /// <summary>"3x3x1x5".</summary>
    public static string Shape(System.Numerics.Tensors.Tensor<float> tensor) =>
        string.Join("x", tensor.Lengths.ToArray().Select(l => l.ToString(CultureInfo.InvariantCulture)));

    private static string Matrix(System.Numerics.Tensors.Tensor<float> matrix)
    {
        var text = new StringBuilder();
        for (var y = 0; y < matrix.Lengths[0]; y++)
        {
            text.Append("    [");
            for (var x = 0; x < matrix.Lengths[1]; x++)
            {
                text.Append(CultureInfo.InvariantCulture, $"{matrix[y, x],8:0.0000}");
            }

            text.AppendLine(" ]");
        }

        return text.ToString().TrimEnd();
    }
}
