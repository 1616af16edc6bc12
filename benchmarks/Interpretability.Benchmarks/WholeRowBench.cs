using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;

namespace Interpretability.Benchmarks;

/// <summary>
/// The AVX-512 3x3 single-kernel path two ways in one run: whole rows of 48-column blocks whose end
/// blocks mask their loads (the default), against the layout before it, where each row's two ends
/// were single masked vectors and the columns left after the blocks single vectors too. "Same"
/// padding, single thread, the image and output allocated one after the other as in
/// <see cref="SingleKernelBench"/>.
/// </summary>
[Config(typeof(BenchConfig))]
public class WholeRowBench
{
    private Tensor<float> _image = null!, _kernel = null!, _output = null!;
    private ConvGeometry _geometry;

    /// <summary>Image side: 224 (ImageNet), 300, 512, 1024.</summary>
    [Params(224, 300, 512, 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _image = Tensor.Create(ImageData.Random(1, Size * Size), [Size, Size]);
        _kernel = Tensor.Create(ImageData.Random(2, 9), [3, 3]);
        _output = Tensor.Create(new float[Size * Size], [Size, Size]);
        _geometry = Convolution.Errors.CheckConvolve2D(_image.Lengths, _kernel.Lengths, ConvolutionOptions.WithPadding(1), out _);
    }

    [Benchmark(Baseline = true, Description = "edge vectors")]
    public void EdgeVectors() => Convolution.Convolve2DCore(SimdWidth.Vector512, _image, _kernel, _output, _geometry, 1, 0f, edgeVectors: true);

    [Benchmark(Description = "whole-row blocks")]
    public void WholeRows() => Convolution.Convolve2DCore(SimdWidth.Vector512, _image, _kernel, _output, _geometry, 1, 0f);
}
