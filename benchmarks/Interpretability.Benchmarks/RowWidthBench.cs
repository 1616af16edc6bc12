using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using OpenCvSharp;

namespace Interpretability.Benchmarks;

/// <summary>
/// 3x3 "same" convolution on images whose width is not a multiple of 16 (1000, 1016) beside 1024,
/// single thread: which SIMD width such rows should run at. Before <see cref="SimdWidths.ThreeByThreeBlocksMinRow"/>
/// the lane count sent them to AVX2 (the "AVX2 rows" row runs that path at every size); now they run
/// the AVX-512 3x3 blocks like 1024. Ratio is time / memcpy of the same bytes, as in <see cref="SingleKernelBench"/>.
/// </summary>
[Config(typeof(BenchConfig))]
public class RowWidthBench
{
    private float[] _image = [], _output = [];
    private Tensor<float> _imageTensor = null!, _kernelTensor = null!, _outputTensor = null!;
    private ConvolutionOptions _options = null!;
    private ConvGeometry _geometry;
    private Mat _cvImage = null!, _cvKernel = null!, _cvOutput = null!;

    /// <summary>Image side: 1000 and 1016 (8 columns past a multiple of 16), 1024.</summary>
    [Params(1000, 1016, 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        int n = Size * Size;
        _image = ImageData.Random(1, n);
        float[] kernel = ImageData.Random(2, 9);
        _output = new float[n];
        _imageTensor = Tensor.Create(_image, [Size, Size]);
        _kernelTensor = Tensor.Create(kernel, [3, 3]);
        _outputTensor = Tensor.Create(_output, [Size, Size]);
        _options = ConvolutionOptions.WithPadding(1);
        _geometry = Convolution.Errors.CheckConvolve2D(_imageTensor.Lengths, _kernelTensor.Lengths, _options, out _);

        Cv2.SetNumThreads(1);
        _cvImage = new Mat(Size, Size, MatType.CV_32FC1);
        Marshal.Copy(_image, 0, _cvImage.Data, n);
        _cvKernel = new Mat(3, 3, MatType.CV_32FC1);
        Marshal.Copy(kernel, 0, _cvKernel.Data, 9);
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
