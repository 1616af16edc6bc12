using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using Interpretability.Testing;
using Microsoft.ML.OnnxRuntime;

namespace Interpretability.Benchmarks;

/// <summary>
/// A three-channel image convolved with a three-channel 3x3 kernel into one feature map (what
/// <c>Convolve2D</c> does with a first layer's RGB kernel), "same" padding, single thread: ONNX
/// Runtime's Conv with one output channel (the baseline), ours, and ours one plane at a time as before
/// the channels were summed inside the 3x3 blocks (at 32, before the small-image kernel summed them).
/// </summary>
[Config(typeof(BenchConfig))]
public class ChannelsBench
{
    private const int Channels = 3;
    private Tensor<float> _image = null!, _kernel = null!, _output = null!;
    private ConvolutionOptions _options = null!;
    private ConvGeometry _geometry;
    private InferenceSession _ort = null!;
    private OrtValue _ortInput = null!, _ortOutput = null!;
    private RunOptions _runOptions = null!;
    private OrtValue[] _ortInputs = [], _ortOutputs = [];
    private readonly string[] _inputNames = ["X"], _outputNames = ["Y"];

    /// <summary>Image side: 32 (CIFAR), 224 (ImageNet) and 1000.</summary>
    [Params(32, 224, 1000)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        float[] image = ImageData.Random(1, Channels * Size * Size), kernel = ImageData.Random(2, Channels * 9);
        _image = Tensor.Create(image, [Channels, Size, Size]);
        _kernel = Tensor.Create(kernel, [Channels, 3, 3]);
        _output = Tensor.Create(new float[Size * Size], [Size, Size]);
        _options = ConvolutionOptions.WithPadding(1);
        _geometry = Convolution.Errors.CheckConvolve2D(_image.Lengths, _kernel.Lengths, _options, out _);

        var model = OnnxConvModel.Build([1, Channels, Size, Size], kernel, [1, Channels, 3, 3], null, _options);
        using (var session = OnnxConvModel.SingleThread(GraphOptimizationLevel.ORT_ENABLE_ALL))
        {
            _ort = new InferenceSession(model, session);
        }

        _ortInput = OrtValue.CreateTensorValueFromMemory(image, [1, Channels, Size, Size]);
        _ortOutput = OrtValue.CreateTensorValueFromMemory(new float[Size * Size], [1, 1, Size, Size]);
        _ortInputs = [_ortInput];
        _ortOutputs = [_ortOutput];
        _runOptions = new RunOptions();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ort.Dispose();
        _ortInput.Dispose();
        _ortOutput.Dispose();
        _runOptions.Dispose();
    }

    [Benchmark(Baseline = true, Description = "ORT Conv (ENABLE_ALL)")]
    public void Ort() => _ort.Run(_runOptions, _inputNames, _ortInputs, _outputNames, _ortOutputs);

    [Benchmark(Description = "Convolve2D (ours)")]
    public void Ours() => Convolution.Convolve2D(_image, _kernel, _output, _options);

    [Benchmark(Description = "ours, one plane at a time")]
    public void PlaneByPlane() => Convolution.Convolve2DCore(SimdWidths.Best, _image, _kernel, _output, _geometry, Channels, 0f, planeByPlane: true);
}
