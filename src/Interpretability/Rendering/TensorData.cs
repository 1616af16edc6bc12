using System.Numerics.Tensors;
using Interpretability.Internals;

namespace Interpretability.Rendering;

/// <summary>Copies tensors (dense or strided) into flat arrays and checks their shapes at the public boundary.</summary>
internal static class TensorData
{
    public static string Describe(ReadOnlySpan<nint> lengths) => "[" + string.Join(", ", lengths.ToArray()) + "]";

    /// <summary>The tensor's lengths with leading 1s dropped until at most <paramref name="rank"/> remain.</summary>
    public static int[] Squeeze(Tensor<float> tensor, int rank)
    {
        var lengths = tensor.Lengths;
        var skip = 0;
        while (lengths.Length - skip > rank && lengths[skip] == 1)
        {
            skip++;
        }

        var result = new int[lengths.Length - skip];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = (int)Math.Min(lengths[skip + i], int.MaxValue);
        }

        return result;
    }

    /// <summary>Every element in row-major order.</summary>
    public static float[] ToArray(Tensor<float> tensor, string paramName)
    {
        var n = tensor.FlattenedLength;
        if (n > Array.MaxLength)
        {
            ThrowHelper.ThrowArgument(paramName, $"{paramName} has {n} elements; at most {Array.MaxLength} can be rendered.");
        }

        var data = new float[n];
        tensor.FlattenTo(data);
        return data;
    }

    /// <summary>A 2-D map [H, W]; leading 1s are allowed ([1, 1, H, W]).</summary>
    public static (float[] Data, int Rows, int Cols) Plane(Tensor<float> tensor, string paramName)
    {
        ArgumentNullException.ThrowIfNull(tensor, paramName);
        var shape = Squeeze(tensor, 2);
        if (shape.Length != 2)
        {
            ThrowHelper.ThrowArgument(paramName, $"{paramName} has shape {Describe(tensor.Lengths)}; it must be a 2-D map [H, W] (leading 1s are allowed, as in [1, 1, H, W]).");
        }

        NotEmpty(tensor, paramName);
        return (ToArray(tensor, paramName), shape[0], shape[1]);
    }

    /// <summary>An image: [H, W] gray, or [C, H, W] with C = 1 (gray) or 3 (RGB); leading 1s are allowed.</summary>
    public static (float[] Data, int Channels, int Rows, int Cols) Image(Tensor<float> tensor, string paramName)
    {
        ArgumentNullException.ThrowIfNull(tensor, paramName);
        var shape = Squeeze(tensor, 3);
        var ok = shape.Length == 2 || (shape.Length == 3 && shape[0] is 1 or 3);
        if (!ok)
        {
            ThrowHelper.ThrowArgument(paramName, $"{paramName} has shape {Describe(tensor.Lengths)}; an image must be [H, W] (gray) or [C, H, W] with C = 1 (gray) or 3 (RGB); leading 1s are allowed.");
        }

        NotEmpty(tensor, paramName);
        return shape.Length == 2
            ? (ToArray(tensor, paramName), 1, shape[0], shape[1])
            : (ToArray(tensor, paramName), shape[0], shape[1], shape[2]);
    }

    public static void NotEmpty(Tensor<float> tensor, string paramName)
    {
        if (tensor.FlattenedLength == 0)
        {
            ThrowHelper.ThrowArgument(paramName, $"{paramName} has shape {Describe(tensor.Lengths)} and no elements; there is nothing to render.");
        }
    }
}
