using BenchmarkDotNet.Attributes;

namespace Interpretability.Benchmarks;

/// <summary>
/// 3x3 "same" convolution on images whose width is not a multiple of 16 (1000, 1016) beside 1024:
/// which SIMD width such rows should run at. Before <see cref="SimdWidths.ThreeByThreeBlocksMinRow"/>
/// the lane count sent them to AVX2 (the "AVX2 rows" row runs that path at every size); now they run
/// the AVX-512 3x3 blocks like 1024.
/// </summary>
public class RowWidthBench : SimdWidthChoiceBench
{
    /// <summary>Image side: 1000 and 1016 (8 columns past a multiple of 16), 1024.</summary>
    [Params(1000, 1016, 1024)]
    public override int Size { get; set; }

    protected override int K => 3;
}
