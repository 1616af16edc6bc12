using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Interpretability;

/// <summary>
/// Remembers which array backs the activation tensors this library makes (System.Numerics.Tensors
/// does not expose it), so that a layer which only reshapes can share its input's memory.
/// </summary>
internal static class TensorArrays
{
    private static readonly ConditionalWeakTable<Tensor<float>, float[]> s_arrays = [];

    /// <summary>A tensor over <paramref name="array"/> (no copy), remembered.</summary>
    public static Tensor<float> Wrap(float[] array, nint[] lengths)
    {
        var tensor = Tensor.Create(array, lengths);
        s_arrays.AddOrUpdate(tensor, array);
        return tensor;
    }

    /// <summary>The array behind a tensor made by <see cref="Wrap"/>.</summary>
    public static bool TryGetArray(Tensor<float> tensor, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out float[]? array) =>
        s_arrays.TryGetValue(tensor, out array);
}
