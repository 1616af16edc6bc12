using System.Reflection;
using System.Runtime.CompilerServices;

namespace Interpretability.Tests.Convolution;

/// <summary>
/// The convolution's per-pixel loops must be compiled fully optimised from their first call. Under
/// tiered compilation a method without <see cref="MethodImplOptions.AggressiveOptimization"/> starts
/// as tier-0 code, and a helper too large to inline runs that way for a process's first dozens of
/// calls (a fresh process's 1024x1024 5x5 calls took 1,289 us at the median instead of 533 until the
/// four-row helpers carried the flag). Reflection over the kernels' names, so that a new block or a
/// helper that loses the flag fails here.
/// </summary>
public class OptimizationAttributeTests
{
    private const BindingFlags All = BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    /// <summary>
    /// Helpers by name, besides every method whose name ends in Blocks512 or Edges512 (not the
    /// <c>Uses…</c> predicates). The per-call dispatchers (<c>ConvolvePlane</c> by width) may stay tiered.
    /// </summary>
    private static readonly string[] Helpers =
    [
        "ConvolvePlaneMasked", "ConvolveRows", "ConvolveRows4", "ConvolveQuad", "Rows4x1", "Rows4x1Masked",
        "Rows4x2Masked", "ConvolveOct", "ConvolveNarrowOct", "ConvolveNarrowOctInto", "CopyOut", "CopyPadded", "ZeroFloats",
        "FillFromRing",
    ];

    [Fact]
    public void KernelLoopsAreCompiledFullyOptimisedFromTheFirstCall()
    {
        var type = typeof(Interpretability.Convolution);
        var methods = type.GetMethods(All).Concat(type.GetNestedTypes(BindingFlags.NonPublic).SelectMany(t => t.GetMethods(All))).ToList();
        var kernels = methods.Where(m => ((m.Name.EndsWith("Blocks512", StringComparison.Ordinal) || m.Name.EndsWith("Edges512", StringComparison.Ordinal))
            && !m.Name.StartsWith("Uses", StringComparison.Ordinal)) || Helpers.Contains(m.Name)).ToList();

        // Every named helper exists (a rename must update the list), and the generated blocks are there.
        foreach (string name in Helpers)
        {
            Assert.Contains(kernels, m => m.Name == name);
        }

        Assert.True(kernels.Count(m => m.Name.EndsWith("Blocks512", StringComparison.Ordinal)) >= 8, "the register blocks were not found");
        var missing = kernels.Where(m => (m.MethodImplementationFlags & MethodImplAttributes.AggressiveOptimization) == 0)
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}").Distinct().ToList();
        Assert.True(missing.Count == 0, "Without AggressiveOptimization: " + string.Join(", ", missing));
    }
}
