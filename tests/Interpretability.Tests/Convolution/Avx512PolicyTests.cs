namespace Interpretability.Tests.Convolution;

/// <summary>
/// Runs the randomised sweep under both AVX-512 policies (<see cref="SimdWidths.FullRate512"/>), so
/// that the rows each one sends to AVX-512 or AVX2 are checked on every machine, not only the
/// policy its own FMA units pick. The policy is process-wide, so these tests run alone.
/// </summary>
[Collection(nameof(Avx512PolicyTests))]
[CollectionDefinition(nameof(Avx512PolicyTests), DisableParallelization = true)]
public class Avx512PolicyTests
{
    [Avx512Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Convolve2D_MatchesOracleUnderEitherPolicy(bool fullRate512)
    {
        bool machine = SimdWidths.FullRate512;
        try
        {
            SimdWidths.FullRate512 = fullRate512;
            Convolve2DSweepTests.Sweep(SimdWidth.Vector512, new Random(fullRate512 ? 7 : 8), 250);
        }
        finally
        {
            SimdWidths.FullRate512 = machine;
        }
    }

    [Avx512Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1)]
    public void Convolve2D_EightRowBlocksMatchOracle(int columnOrder)
    {
        // Full-rate AVX-512 runs 5x5 and 7x7 on padded planes eight rows at a time (Convolution.UsesOct):
        // edges on both sides, on one side (asymmetric pads) or none; 32-column blocks with 0, 16 to 31
        // and 32 to 47 columns left for the four-row blocks; heights with an odd quad and leftover rows;
        // several channels (accumulating); rows 4 KB apart, which keep the four-row blocks; the widest
        // row that takes them and one past it.
        bool machine = SimdWidths.FullRate512;
        try
        {
            SimdWidths.FullRate512 = true;
            var random = new Random(71 + columnOrder);
            foreach (int k in new[] { 5, 7 })
            {
                foreach (int w in new[] { 84, 96, 110, 128, 150, 224, 1024, 1600, 1601 })
                {
                    foreach (var (h, pads) in new[] { (8, (3, 3, 3, 3)), (21, (3, 3, 3, 3)), (19, (2, 0, 1, 3)), (17, (1, 3, 2, 0)), (30, (0, 0, 0, 0)) })
                    {
                        var options = new ConvolutionOptions { Pads = pads };
                        foreach (int channels in new[] { 1, 2 })
                        {
                            Convolve2DTests.Check(SimdWidth.Vector512, random, channels, h, w, k, k, options, 0.25f, columnOrder: columnOrder);
                        }
                    }
                }
            }
        }
        finally
        {
            SimdWidths.FullRate512 = machine;
        }
    }
}

/// <summary>A theory skipped where the hardware has no AVX-512.</summary>
internal sealed class Avx512TheoryAttribute : TheoryAttribute
{
    public Avx512TheoryAttribute()
    {
        if (SimdWidths.Best != SimdWidth.Vector512)
        {
            Skip = "This machine has no AVX-512.";
        }
    }
}
