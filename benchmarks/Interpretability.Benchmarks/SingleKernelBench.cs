using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Interpretability.Testing;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;

namespace Interpretability.Benchmarks;

/// <summary>
/// One image convolved with one KxK kernel, "same" output size (zero padding K/2), single thread.
/// Ratio is time / memcpy of the same bytes (the image copied into the output buffer), so it reads as
/// "how many memory copies this costs".
/// </summary>
[Config(typeof(BenchConfig))]
public class SingleKernelBench
{
    private float[] _image = [];
    private float[] _kernel = [];
    private float[] _output = [];
    private Tensor<float> _imageTensor = null!;
    private Tensor<float> _kernelTensor = null!;
    private Tensor<float> _outputTensor = null!;
    private ConvolutionOptions _options = null!;
    private Mat _cvImage = null!, _cvKernel = null!, _cvOutput = null!;
    private InferenceSession _ortAll = null!, _ortExtended = null!;
    private OrtValue _ortInput = null!, _ortOutput = null!;
    private RunOptions _runOptions = null!;
    private OrtValue[] _ortInputs = [], _ortOutputs = [];
    private readonly string[] _inputNames = ["X"], _outputNames = ["Y"];

    /// <summary>Image side: 28 (MNIST), 224 (ImageNet), 1024.</summary>
    [Params(28, 224, 1024)]
    public int Size { get; set; }

    /// <summary>Kernel side.</summary>
    [Params(3, 5, 7)]
    public int K { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        int n = Size * Size;
        _image = ImageData.Random(1, n);
        _kernel = ImageData.Random(2, K * K);
        _output = new float[n];
        _imageTensor = Tensor.Create(_image, [Size, Size]);
        _kernelTensor = Tensor.Create(_kernel, [K, K]);
        _outputTensor = Tensor.Create(_output, [Size, Size]);
        _options = ConvolutionOptions.WithPadding(K / 2);

        Cv2.SetNumThreads(1);
        _cvImage = new Mat(Size, Size, MatType.CV_32FC1);
        Marshal.Copy(_image, 0, _cvImage.Data, n);
        _cvKernel = new Mat(K, K, MatType.CV_32FC1);
        Marshal.Copy(_kernel, 0, _cvKernel.Data, K * K);
        _cvOutput = new Mat(Size, Size, MatType.CV_32FC1);

        var model = OnnxConvModel.Build([1, 1, Size, Size], _kernel, [1, 1, K, K], null, _options);
        using (var all = OnnxConvModel.SingleThread(GraphOptimizationLevel.ORT_ENABLE_ALL))
        {
            _ortAll = new InferenceSession(model, all);
        }

        using (var extended = OnnxConvModel.SingleThread(GraphOptimizationLevel.ORT_ENABLE_EXTENDED))
        {
            _ortExtended = new InferenceSession(model, extended);
        }

        _ortInput = OrtValue.CreateTensorValueFromMemory(_image, [1, 1, Size, Size]);
        _ortOutput = OrtValue.CreateTensorValueFromMemory(new float[n], [1, 1, Size, Size]);
        _ortInputs = [_ortInput];
        _ortOutputs = [_ortOutput];
        _runOptions = new RunOptions();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cvImage.Dispose();
        _cvKernel.Dispose();
        _cvOutput.Dispose();
        _ortAll.Dispose();
        _ortExtended.Dispose();
        _ortInput.Dispose();
        _ortOutput.Dispose();
        _runOptions.Dispose();
    }

    [Benchmark(Baseline = true, Description = "memcpy")]
    public void Memcpy() => _image.AsSpan().CopyTo(_output);

    [Benchmark(Description = "naive loop")]
    public void Naive() => NaiveConvolution.Same(_image, Size, Size, _kernel, K, _output);

    [Benchmark(Description = "TensorPrimitives rows")]
    public void TensorPrimitivesRows()
    {
        int size = Size, k = K, pad = K / 2;
        var image = _image.AsSpan();
        var output = _output.AsSpan();
        output.Clear();
        for (int y = 0; y < size; y++)
        {
            var row = output.Slice(y * size, size);
            for (int ky = 0; ky < k; ky++)
            {
                int iy = y + ky - pad;
                if (iy < 0 || iy >= size)
                {
                    continue;
                }

                var source = image.Slice(iy * size, size);
                for (int kx = 0; kx < k; kx++)
                {
                    // Output columns x whose input column x + kx - pad lies inside the image.
                    int shift = kx - pad;
                    int first = Math.Max(0, -shift), last = Math.Min(size, size - shift);
                    var target = row[first..last];
                    TensorPrimitives.MultiplyAdd(source.Slice(first + shift, last - first), _kernel[(ky * k) + kx], target, target);
                }
            }
        }
    }

    [Benchmark(Description = "Convolve2D (ours)")]
    public void Ours() => Convolution.Convolve2D(_imageTensor, _kernelTensor, _outputTensor, _options);

    [Benchmark(Description = "OpenCV filter2D")]
    public void OpenCv() => Cv2.Filter2D(_cvImage, _cvOutput, MatType.CV_32F, _cvKernel, new Point(-1, -1), 0, BorderTypes.Constant);

    [Benchmark(Description = "ORT Conv (ENABLE_ALL)")]
    public void OrtAll() => _ortAll.Run(_runOptions, _inputNames, _ortInputs, _outputNames, _ortOutputs);

    [Benchmark(Description = "ORT Conv (ENABLE_EXTENDED)")]
    public void OrtExtended() => _ortExtended.Run(_runOptions, _inputNames, _ortInputs, _outputNames, _ortOutputs);
}
