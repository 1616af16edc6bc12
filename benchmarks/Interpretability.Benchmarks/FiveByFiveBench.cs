using BenchmarkDotNet.Attributes;

namespace Interpretability.Benchmarks;

/// <summary>
/// 5x5 "same" convolution from 300 to 2048 wide: the AVX2 rows that the lane count picks (ties go to
/// AVX2 for kernels up to 5 wide, and 5x5 ran there at every width) against ours, which from
/// <see cref="SimdWidths.FiveByFiveBlocksMinRow"/> outputs runs the AVX-512 blocks that load each
/// input row once (<see cref="Convolution.Quad5x5Blocks512"/>).
/// </summary>
public class FiveByFiveBench : SimdWidthChoiceBench
{
    /// <summary>Image side.</summary>
    [Params(300, 512, 1024, 2048)]
    public override int Size { get; set; }

    protected override int K => 5;
}
