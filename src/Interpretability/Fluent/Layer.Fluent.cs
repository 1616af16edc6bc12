using System.Numerics.Tensors;
using Interpretability.Internals;

namespace Interpretability;

/// <summary>The fluent path through the lecture: kernels, responses and feature maps, ready to render.</summary>
public partial class Layer
{
    /// <summary>All kernels of a convolution layer, to render as a grid or convolve with images.</summary>
    /// <returns>The layer's kernels, <c>[filters, channels / group, kh, kw]</c>.</returns>
    /// <exception cref="InvalidOperationException">The layer is not a 2-D convolution.</exception>
    /// <example><code>model.Layers[0].Kernels().SavePng("kernels.png");</code></example>
    public KernelSet Kernels()
    {
        var conv = AsConvolution(nameof(Kernels));
        return new KernelSet(conv, conv.GetWeights(), [.. Enumerable.Range(0, conv.Filters)]);
    }

    /// <summary>Some kernels of a convolution layer, in the given order.</summary>
    /// <param name="indexes">Kernel indexes, from 0 to <see cref="Conv2DLayer.Filters"/> - 1.</param>
    /// <returns>The chosen kernels.</returns>
    /// <exception cref="InvalidOperationException">The layer is not a 2-D convolution.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public KernelSet Kernels(params int[] indexes)
    {
        ArgumentNullException.ThrowIfNull(indexes);
        var conv = AsConvolution(nameof(Kernels));
        foreach (var index in indexes)
        {
            CheckKernelIndex(conv, index, nameof(indexes));
        }

        return new KernelSet(conv, conv.GetWeights(), indexes.Length == 0 ? [.. Enumerable.Range(0, conv.Filters)] : [.. indexes]);
    }

    /// <summary>
    /// One kernel of a convolution layer: <c>[kh, kw]</c> when the layer has one input channel per
    /// group (the lecture's first layer) or a channel is chosen, else <c>[channels, kh, kw]</c>.
    /// </summary>
    /// <param name="index">The kernel (output channel), from 0 to <see cref="Conv2DLayer.Filters"/> - 1.</param>
    /// <param name="channel">One input channel of the kernel, or null for all of them.</param>
    /// <returns>The kernel, with the layer's bias and options, ready to render or convolve.</returns>
    /// <exception cref="InvalidOperationException">The layer is not a 2-D convolution.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    /// <example><code>model.Layers[0].Kernel(0).Convolve(shoe).SavePng("shoe-kernel0.png");</code></example>
    public Kernel Kernel(int index, int? channel = null)
    {
        var conv = AsConvolution(nameof(Kernel));
        CheckKernelIndex(conv, index, nameof(index));
        return Interpretability.Kernel.From(conv, conv.GetWeights(), index, channel);
    }

    /// <summary>
    /// The network's own activation of this layer for one image, read through ONNX Runtime:
    /// its feature maps <c>[channels, H, W]</c>.
    /// </summary>
    /// <param name="image">
    /// An image in [0, 1] (<c>[H, W]</c> or <c>[C, H, W]</c>, prepared with <see cref="Model.PrepareInput(Tensor{float}, ImageLoadOptions?)"/>),
    /// or a tensor already shaped as the model's input.
    /// </param>
    /// <returns>The feature maps, ready to render.</returns>
    /// <example><code>model.Layers[0].FeatureMaps(shoe).SavePng("conv1-maps.png");</code></example>
    public FeatureMaps FeatureMaps(Tensor<float> image) => FeatureMaps([image]);

    /// <summary>The network's own activations of this layer for several images, one row of feature maps per image.</summary>
    /// <param name="images">Images in [0, 1], as for <see cref="FeatureMaps(Tensor{float})"/>.</param>
    /// <param name="labels">One label per image (a class name, a file name), or null.</param>
    /// <returns>The feature maps, ready to render.</returns>
    public FeatureMaps FeatureMaps(IReadOnlyList<Tensor<float>> images, IReadOnlyList<string>? labels = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            ThrowHelper.ThrowArgument(nameof(images), "Give at least one image.");
        }

        if (labels is not null && labels.Count != images.Count)
        {
            ThrowHelper.ThrowArgument(nameof(labels), $"{labels.Count} labels for {images.Count} images; give one per image, or null.");
        }

        var declaredRank = Model.Input.Shape?.Count ?? -1;
        var shown = new List<Tensor<float>>(images.Count);
        var maps = new List<Tensor<float>>(images.Count);
        foreach (var image in images)
        {
            ArgumentNullException.ThrowIfNull(image, nameof(images));
            var input = image.Rank == declaredRank ? image : Model.PrepareInput(image);
            var activation = Model.GetActivations(input, this)[this];
            maps.Add(Squeeze(activation));
            shown.Add(image);
        }

        return new FeatureMaps(this, shown, maps, labels);
    }

    private static Tensor<float> Squeeze(Tensor<float> activation)
    {
        var lengths = activation.Lengths.ToArray();
        if (lengths.Length == 4 && lengths[0] == 1)
        {
            return Tensor.Create(activation.ToArray(), [lengths[1], lengths[2], lengths[3]]);
        }

        return activation;
    }

    private Conv2DLayer AsConvolution(string verb) => this as Conv2DLayer
        ?? ThrowHelper.ThrowInvalidOperation<Conv2DLayer>($"Layer '{Name}' ({OpType}) is not a 2-D convolution, so it has no kernels for {verb}(); the model's convolutions are: {string.Join(", ", Model.Layers.OfType<Conv2DLayer>().Select(l => $"'{l.Name}'"))}.");

    private static void CheckKernelIndex(Conv2DLayer conv, int index, string parameter)
    {
        if ((uint)index >= (uint)conv.Filters)
        {
            ThrowHelper.ThrowArgumentOutOfRange(parameter, index, $"Layer '{conv.Name}' has {conv.Filters} kernels (0 to {conv.Filters - 1}).");
        }
    }
}
