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
