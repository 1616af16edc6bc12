using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;

namespace Interpretability.Benchmarks;

/// <summary>
/// The single-kernel direct path's own choices, side by side: SIMD width (AVX-512 vs AVX2 on the
/// same machine), four output rows per pass (each loaded input vector feeds up to kh FMAs) vs one
/// row per pass (one load per FMA), and kernel-width-unrolled vs looped taps in the one-row kernel.
/// "Same" padding, single thread.
/// </summary>
[Config(typeof(BenchConfig))]
public class DirectKernelBench
{
    private Tensor<float> _image = null!, _kernel = null!, _output = null!;
    private ConvGeometry _geometry;

    [Params(28, 56, 224, 1024)]
    public int Size { get; set; }

    [Params(3, 5, 7)]
    public int K { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _image = Tensor.Create(ImageData.Random(1, Size * Size), [Size, Size]);
        _kernel = Tensor.Create(ImageData.Random(2, K * K), [K, K]);
        _output = Tensor.Create(new float[Size * Size], [Size, Size]);
        _geometry = Convolution.Errors.CheckConvolve2D(_image.Lengths, _kernel.Lengths, ConvolutionOptions.WithPadding(K / 2), out _);
    }

    [Benchmark(Baseline = true, Description = "AVX-512, 4 rows")]
    public void Avx512FourRows() => Convolution.Convolve2DCore(SimdWidth.Vector512, _image, _kernel, _output, _geometry, 1, 0f);

    [Benchmark(Description = "AVX-512, 1 row")]
    public void Avx512OneRow() => Convolution.Convolve2DCore(SimdWidth.Vector512, _image, _kernel, _output, _geometry, 1, 0f, oneRowAtATime: true);

    [Benchmark(Description = "AVX2, 4 rows")]
    public void Avx2FourRows() => Convolution.Convolve2DCore(SimdWidth.Vector256, _image, _kernel, _output, _geometry, 1, 0f);

    [Benchmark(Description = "AVX2, 1 row")]
    public void Avx2OneRow() => Convolution.Convolve2DCore(SimdWidth.Vector256, _image, _kernel, _output, _geometry, 1, 0f, oneRowAtATime: true);

    [Benchmark(Description = "SSE, 4 rows")]
    public void SseFourRows() => Convolution.Convolve2DCore(SimdWidth.Vector128, _image, _kernel, _output, _geometry, 1, 0f);
}
