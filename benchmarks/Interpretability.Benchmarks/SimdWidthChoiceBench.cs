using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using OpenCvSharp;

namespace Interpretability.Benchmarks;

/// <summary>
/// One K x K "same" convolution of a Size x Size image, single thread, four ways in one run: memcpy
/// of the same bytes (the baseline, as in <see cref="SingleKernelBench"/>), the AVX2 rows that the
/// lane count alone would pick, ours (whatever <see cref="SimdWidths.ForDirectRow"/> picks), and
/// OpenCV's <c>filter2D</c>. Subclasses choose the sizes and the kernel.
/// </summary>
[Config(typeof(BenchConfig))]
public abstract class SimdWidthChoiceBench
{
    private float[] _image = [], _output = [];
    private Tensor<float> _imageTensor = null!, _kernelTensor = null!, _outputTensor = null!;
    private ConvolutionOptions _options = null!;
    private ConvGeometry _geometry;
    private Mat _cvImage = null!, _cvKernel = null!, _cvOutput = null!;

    /// <summary>Image side.</summary>
    public abstract int Size { get; set; }

    /// <summary>Kernel side.</summary>
    protected abstract int K { get; }

    [GlobalSetup]
    public void Setup()
    {
        int n = Size * Size;
        _image = ImageData.Random(1, n);
        float[] kernel = ImageData.Random(2, K * K);
        _output = new float[n];
        _imageTensor = Tensor.Create(_image, [Size, Size]);
        _kernelTensor = Tensor.Create(kernel, [K, K]);
        _outputTensor = Tensor.Create(_output, [Size, Size]);
        _options = ConvolutionOptions.WithPadding(K / 2);
        _geometry = Convolution.Errors.CheckConvolve2D(_imageTensor.Lengths, _kernelTensor.Lengths, _options, out _);

        Cv2.SetNumThreads(1);
        _cvImage = new Mat(Size, Size, MatType.CV_32FC1);
        Marshal.Copy(_image, 0, _cvImage.Data, n);
        _cvKernel = new Mat(K, K, MatType.CV_32FC1);
        Marshal.Copy(kernel, 0, _cvKernel.Data, K * K);
        _cvOutput = new Mat(Size, Size, MatType.CV_32FC1);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cvImage.Dispose();
        _cvKernel.Dispose();
        _cvOutput.Dispose();
    }

    [Benchmark(Baseline = true, Description = "memcpy")]
    public void Memcpy() => _image.AsSpan().CopyTo(_output);

    [Benchmark(Description = "AVX2 rows")]
    public void Avx2Rows() => Convolution.Convolve2DCore(SimdWidth.Vector256, _imageTensor, _kernelTensor, _outputTensor, _geometry, 1, 0f);

    [Benchmark(Description = "Convolve2D (ours)")]
    public void Ours() => Convolution.Convolve2D(_imageTensor, _kernelTensor, _outputTensor, _options);

    [Benchmark(Description = "OpenCV filter2D")]
    public void OpenCv() => Cv2.Filter2D(_cvImage, _cvOutput, MatType.CV_32F, _cvKernel, new Point(-1, -1), 0, BorderTypes.Constant);
}
