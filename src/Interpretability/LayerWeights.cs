using System.Collections;
using System.Numerics.Tensors;
using Interpretability.Internals;
using Interpretability.Onnx;

namespace Interpretability;

/// <summary>
/// A layer's weights: its constant inputs in ONNX input order, as <see cref="Tensor{T}"/> of
/// float. The tensors belong to the caller (each <see cref="Layer.GetWeights"/> call makes new ones).
/// </summary>
/// <remarks>
/// The lecture's (and Keras') <c>layer.get_weights()</c> gives, for a first convolution of 5 kernels
/// of 3×3 over 1 channel, a kernel array of shape <c>(3, 3, 1, 5)</c> and a bias of shape
/// <c>(5,)</c>. ONNX stores the same kernel as <c>[5, 1, 3, 3]</c> (<c>[out, in, kh, kw]</c>):
/// <c>keras[y, x, c, k] == onnx[k, c, y, x]</c>. <see cref="Kernel"/> is in ONNX order;
/// <see cref="InKerasOrder"/> gives Keras' layout; <see cref="Kernel2D"/> gives one kernel's 2-D slice.
/// </remarks>
public sealed class LayerWeights : IReadOnlyList<Tensor<float>>
{
    private readonly Tensor<float>[] _weights;
    private readonly string[] _names;

    internal LayerWeights(Layer layer, Tensor<float>[] weights, string[] names)
    {
        Layer = layer;
        _weights = weights;
        _names = names;
    }

    /// <summary>The layer these weights belong to.</summary>
    public Layer Layer { get; }

    /// <summary>The ONNX names of the values each weight was read from (initializers, or the constants computed from them).</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The first weight: the kernel of a convolution, the matrix of a dense layer, the scale of a batch normalization.</summary>
    /// <exception cref="InvalidOperationException">The layer has no weights.</exception>
    public Tensor<float> Kernel => _weights.Length > 0
        ? _weights[0]
        : ThrowHelper.ThrowInvalidOperation<Tensor<float>>($"Layer '{Layer.Name}' ({Layer.OpType}) has no weights, so it has no kernel.");

    /// <summary>The second weight (the bias of a convolution or dense layer, the B of a batch normalization), or null when there is none.</summary>
    public Tensor<float>? Bias => _weights.Length > 1 ? _weights[1] : null;

    /// <summary>The number of weights.</summary>
    public int Count => _weights.Length;

    /// <summary>The weight at <paramref name="index"/>, in ONNX input order.</summary>
    /// <param name="index">From 0 to <see cref="Count"/> - 1.</param>
    public Tensor<float> this[int index] => (uint)index < (uint)_weights.Length
        ? _weights[index]
        : ThrowHelper.ThrowArgumentOutOfRange<Tensor<float>>(nameof(index), index, $"Layer '{Layer.Name}' has {_weights.Length} weights.");

    /// <summary>
    /// One kernel's 2-D slice <c>[kh, kw]</c> for one input channel, from a 4-D kernel
    /// <c>[out, in / group, kh, kw]</c>: <c>Kernel2D(k, c)[y, x] == Kernel[k, c, y, x]</c>. This is the
    /// lecture's <c>weights[0][:, :, 0, 0]</c> in Keras order.
    /// </summary>
    /// <param name="kernel">The kernel (output channel), from 0 to out - 1.</param>
    /// <param name="channel">The input channel within the kernel's group, from 0 to in / group - 1.</param>
    /// <returns>A new 2-D tensor.</returns>
    /// <exception cref="InvalidOperationException">The kernel is not 4-D.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public Tensor<float> Kernel2D(int kernel, int channel = 0)
    {
        var weights = Kernel;
        if (weights.Rank != 4)
        {
            ThrowHelper.ThrowInvalidOperation($"Layer '{Layer.Name}' ({Layer.OpType}) has a kernel of shape {Shapes.Format(weights.Lengths)}; Kernel2D needs a 4-D convolution kernel [out, in, kh, kw].");
        }

        var lengths = weights.Lengths;
        if ((uint)kernel >= (uint)lengths[0])
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(kernel), kernel, $"Layer '{Layer.Name}' has {lengths[0]} kernels (0 to {lengths[0] - 1}).");
        }

        if ((uint)channel >= (uint)lengths[1])
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(channel), channel, $"Each kernel of layer '{Layer.Name}' has {lengths[1]} input channels (0 to {lengths[1] - 1}).");
        }

        var height = (int)lengths[2];
        var width = (int)lengths[3];
        var values = new float[height * width];
        var source = weights.GetSpan([kernel, channel, 0, 0], height * width);
        source.CopyTo(values);
        return Tensor.Create(values, [height, width]);
    }

    /// <summary>
    /// The weights in Keras' layout: a 4-D convolution kernel becomes <c>[kh, kw, in, out]</c>, a
    /// dense matrix becomes <c>[inputs, units]</c> (transposed when <see cref="DenseLayer.TransposeB"/>
    /// is set); every other weight is unchanged.
    /// </summary>
    /// <returns>New weights in Keras order.</returns>
    public LayerWeights InKerasOrder()
    {
        var converted = (Tensor<float>[])_weights.Clone();
        if (converted.Length > 0)
        {
            var first = converted[0];
            if (Layer is Conv2DLayer && first.Rank == 4)
            {
                converted[0] = Permute(first, [2, 3, 1, 0]);
            }
            else if (Layer is DenseLayer { TransposeB: true } && first.Rank == 2)
            {
                converted[0] = Permute(first, [1, 0]);
            }
        }

        return new LayerWeights(Layer, converted, _names);
    }

    /// <inheritdoc/>
    public IEnumerator<Tensor<float>> GetEnumerator() => ((IEnumerable<Tensor<float>>)_weights).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A dense copy of <paramref name="tensor"/> with its axes reordered: result axis i is source axis <paramref name="order"/>[i].</summary>
    private static Tensor<float> Permute(Tensor<float> tensor, int[] order)
    {
        var sourceLengths = tensor.Lengths.ToArray();
        var rank = sourceLengths.Length;
        var lengths = new nint[rank];
        for (var i = 0; i < rank; i++)
        {
            lengths[i] = sourceLengths[order[i]];
        }

        var sourceStrides = new long[rank];
        long stride = 1;
        for (var i = rank - 1; i >= 0; i--)
        {
            sourceStrides[i] = stride;
            stride *= sourceLengths[i];
        }

        var source = new float[tensor.FlattenedLength];
        tensor.FlattenTo(source);
        var result = new float[source.Length];
        var index = new long[rank];
        for (var flat = 0; flat < result.Length; flat++)
        {
            long offset = 0;
            for (var axis = 0; axis < rank; axis++)
            {
                offset += index[axis] * sourceStrides[order[axis]];
            }

            result[flat] = source[offset];
            for (var axis = rank - 1; axis >= 0; axis--)
            {
                if (++index[axis] < lengths[axis])
                {
                    break;
                }

                index[axis] = 0;
            }
        }

        return Tensor.Create(result, lengths);
    }
}
