using System.Globalization;

namespace Interpretability.Tests.Fuzzing;

/// <summary>
/// How many cases the fuzz tests run, from which seed, with which per-case timeout. The defaults
/// keep <c>dotnet test</c> within about a minute; the environment variables make a long run.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>INTERPRETABILITY_FUZZ_CASES</c>: cases per target (models, external data, images, IDX); the defaults are in <see cref="FuzzTests"/>.</item>
/// <item><c>INTERPRETABILITY_FUZZ_SEED</c>: the master seed (decimal); every case's own seed is derived from it, the target and the case index.</item>
/// <item><c>INTERPRETABILITY_FUZZ_TIMEOUT</c>: seconds one case may take before it counts as a hang (default 30).</item>
/// </list>
/// </remarks>
internal static class FuzzSettings
{
    public const ulong DefaultSeed = 20260507;

    public static ulong Seed { get; } = ulong.TryParse(Environment.GetEnvironmentVariable("INTERPRETABILITY_FUZZ_SEED"), NumberStyles.None, CultureInfo.InvariantCulture, out var seed) ? seed : DefaultSeed;

    public static TimeSpan CaseTimeout { get; } = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("INTERPRETABILITY_FUZZ_TIMEOUT"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 ? seconds : 30);

    /// <summary>The number of cases for a target: the environment's, else <paramref name="defaultCases"/>.</summary>
    public static int Cases(int defaultCases) =>
        int.TryParse(Environment.GetEnvironmentVariable("INTERPRETABILITY_FUZZ_CASES"), NumberStyles.None, CultureInfo.InvariantCulture, out var cases) && cases > 0 ? cases : defaultCases;

    /// <summary>The seed of one case: SplitMix64 of the master seed, the target's name and the index, so any case can be replayed alone.</summary>
    public static int CaseSeed(ulong seed, string target, int index)
    {
        var z = seed;
        foreach (var c in target)
        {
            z = Mix(z ^ c);
        }

        z = Mix(z ^ (ulong)index);
        return (int)(z & 0x7FFF_FFFF);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E37_79B9_7F4A_7C15;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EB;
        return z ^ (z >> 31);
    }
}
