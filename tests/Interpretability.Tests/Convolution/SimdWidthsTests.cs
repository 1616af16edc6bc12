namespace Interpretability.Tests.Convolution;

public class SimdWidthsTests
{
    [Theory]
    [InlineData(96)]
    [InlineData(97)]
    [InlineData(104)]
    [InlineData(200)]
    [InlineData(984)]
    [InlineData(1000)]
    [InlineData(1016)]
    [InlineData(1024)]
    public void ForDirectRow_KeepsAvx512ForThreeByThreeBlocksFrom96Outputs(int row)
    {
        // A 3x3 kernel at unit strides and dilations runs whole rows of AVX-512 blocks from 96 outputs
        // on, whatever the lane count of AVX2 vectors would say (1000 = 125 AVX2 vectors, 63 AVX-512).
        Assert.Equal(SimdWidth.Vector512, SimdWidths.ForDirectRow(SimdWidth.Vector512, row, 3, registerBlocks: true, fullRate512: false));
    }

    [Theory]
    [InlineData(1000, 3, 8)]
    [InlineData(1016, 3, 8)]
    [InlineData(56, 3, 8)]
    [InlineData(1024, 3, 16)]
    [InlineData(1000, 7, 8)]
    public void ForDirectRow_CountsLanesWithoutTheBlocks(int row, int kernelWidth, int expectedLanes)
    {
        // Strided, dilated or non-3x3 kernels: the fewest FMA lanes (1000 outputs: 125 AVX2 vectors
        // against 63 AVX-512 ones covering 1008 columns).
        Assert.Equal((SimdWidth)expectedLanes, SimdWidths.ForDirectRow(SimdWidth.Vector512, row, kernelWidth, registerBlocks: false, fullRate512: false));
    }

    [Theory]
    [InlineData(88)]
    [InlineData(56)]
    public void ForDirectRow_CountsLanesBelow96OutputsEvenWithTheBlocks(int row) =>
        Assert.Equal(SimdWidth.Vector256, SimdWidths.ForDirectRow(SimdWidth.Vector512, row, 3, registerBlocks: true, fullRate512: false));

    [Theory]
    [InlineData(272, 16)]
    [InlineData(300, 16)]
    [InlineData(1000, 16)]
    [InlineData(1024, 16)]
    [InlineData(256, 8)]
    [InlineData(224, 8)]
    public void ForDirectRow_KeepsAvx512ForFiveByFiveBlocksFrom272Outputs(int row, int expectedLanes)
    {
        // A 5x5 kernel at unit strides and dilations: AVX-512 register blocks from 272 outputs on (1024
        // is a tie in lanes, 1000 favours AVX2), the lane count below.
        Assert.Equal((SimdWidth)expectedLanes, SimdWidths.ForDirectRow(SimdWidth.Vector512, row, 5, registerBlocks: true, fullRate512: false));
        Assert.Equal(SimdWidth.Vector256, SimdWidths.ForDirectRow(SimdWidth.Vector512, row, 5, registerBlocks: false, fullRate512: false));
    }

    [Fact]
    public void ForDirectRow_NeverExceedsTheMaximum() =>
        Assert.Equal(SimdWidth.Vector256, SimdWidths.ForDirectRow(SimdWidth.Vector256, 1024, 3, registerBlocks: true, fullRate512: false));

    [Theory]
    [InlineData(56, 7)]
    [InlineData(24, 7)]
    [InlineData(1000, 7)]
    [InlineData(1000, 11)]
    [InlineData(80, 5)]
    [InlineData(224, 5)]
    public void ForDirectRow_TakesTheWidestVectorForWideKernelsAtFullRate(int row, int kernelWidth)
    {
        // Full-rate AVX-512: a 512-bit vector costs what a 256-bit one does (56 outputs: 4 AVX-512
        // vectors against 7 AVX2 ones); 5x5 register blocks from 80 outputs.
        Assert.Equal(SimdWidth.Vector512, SimdWidths.ForDirectRow(SimdWidth.Vector512, row, kernelWidth, registerBlocks: kernelWidth == 5, fullRate512: true));
        Assert.Equal(SimdWidth.Vector256, SimdWidths.ForDirectRow(SimdWidth.Vector256, row, kernelWidth, registerBlocks: kernelWidth == 5, fullRate512: true));
    }

    [Theory]
    [InlineData(56, 3, true)]
    [InlineData(88, 3, true)]
    [InlineData(64, 5, true)]
    [InlineData(224, 5, false)]
    public void ForDirectRow_KeepsTheHalfRateRulesForNarrowKernelsAtFullRate(int row, int kernelWidth, bool registerBlocks) =>
        Assert.Equal(
            SimdWidths.ForDirectRow(SimdWidth.Vector512, row, kernelWidth, registerBlocks, fullRate512: false),
            SimdWidths.ForDirectRow(SimdWidth.Vector512, row, kernelWidth, registerBlocks, fullRate512: true));
}
