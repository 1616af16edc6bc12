using System.Collections;
using System.Numerics.Tensors;

namespace Interpretability;

/// <summary>
/// Kernels of one convolution layer: render them as a grid, pick one, or convolve images with all of
/// them for the lecture's comparison figure. Made by <see cref="Layer.Kernels()"/>.
/// </summary>
public sealed class KernelSet : IReadOnlyList<Kernel>
{
    private readonly LayerWeights _weights;
    private readonly int[] _indexes;

    internal KernelSet(Conv2DLayer layer, LayerWeights weights, int[] indexes)
    {
        Layer = layer;
        _weights = weights;
        _indexes = indexes;
        var (height, width) = layer.KernelSize;
        var perKernel = (int)weights.Kernel.Lengths[1] * height * width;
        var data = new float[indexes.Length * perKernel];
        for (var i = 0; i < indexes.Length; i++)
        {
            weights.Kernel.GetSpan([indexes[i], 0, 0, 0], perKernel).CopyTo(data.AsSpan(i * perKernel));
        }

        Weights = Tensor.Create(data, [indexes.Length, weights.Kernel.Lengths[1], height, width]);
    }

    /// <summary>The layer the kernels belong to.</summary>
    public Conv2DLayer Layer { get; }

    /// <summary>The kernels' weights, <c>[count, channels / group, kh, kw]</c> in ONNX order.</summary>
    public Tensor<float> Weights { get; }

    /// <summary>The layer's kernel indexes, in this set's order.</summary>
    public IReadOnlyList<int> Indexes => _indexes;

    /// <inheritdoc/>
    public int Count => _indexes.Length;

    /// <summary>The set's <paramref name="position"/>-th kernel (layer kernel <c>Indexes[position]</c>).</summary>
    /// <param name="position">From 0 to <see cref="Count"/> - 1.</param>
    public Kernel this[int position] => Kernel.From(Layer, _weights, _indexes[position], null);

    /// <summary>Draws every kernel as a tile (one per input channel; RGB first layers also in colour), labelled, with a shared diverging range.</summary>
    /// <param name="options">Rendering options; the title defaults to the layer and shape.</param>
    /// <returns>The figure.</returns>
    public Figure Render(RenderOptions? options = null)
    {
        var title = options?.Title ?? $"{Layer.Name}: {Count} kernels {string.Join("x", Weights.Lengths[2..].ToArray())} over {Weights.Lengths[1]} channel{(Weights.Lengths[1] == 1 ? string.Empty : "s")}";
        return Interpretability.Render.KernelGrid(Weights, (options ?? RenderOptions.Default with { Colorbar = true }) with { Title = title });
    }

    /// <summary>Renders the kernels (<see cref="Render"/>) and writes them as PNG.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="options">Rendering options.</param>
    /// <returns>What was written.</returns>
    public PngFile SavePng(string path, RenderOptions? options = null) => Render(options).SavePng(path);

    /// <summary>
    /// Convolves every image with every kernel of the set (the layer's strides, padding and
    /// dilations): the lecture's figure of images down the side, kernels along the top, responses in
    /// the cells.
    /// </summary>
    /// <param name="images">The images, each <c>[H, W]</c> for one-channel kernels (or <c>[channels, H, W]</c>).</param>
    /// <param name="labels">One label per image (a class name), or null.</param>
    /// <param name="addBias">Add each kernel's bias, so a response equals the layer's output channel.</param>
    /// <returns>The responses, ready to render.</returns>
    public Responses Convolve(IReadOnlyList<Tensor<float>> images, IReadOnlyList<string>? labels = null, bool addBias = false) =>
        Responses.Compute(images, [.. this], labels, addBias);

    /// <inheritdoc/>
    public IEnumerator<Kernel> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
