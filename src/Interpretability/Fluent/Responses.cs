using System.Numerics.Tensors;
using Interpretability.Internals;

namespace Interpretability;

/// <summary>
/// Images convolved with kernels: the response (filtered image) of every image to every kernel,
/// with what it is made of, ready for the lecture's comparison figure. Made by
/// <see cref="Kernel.Convolve(Tensor{float}, bool)"/> and <see cref="KernelSet.Convolve"/>.
/// </summary>
public sealed class Responses
{
    private readonly Tensor<float>[,] _maps;

    private Responses(IReadOnlyList<Tensor<float>> images, IReadOnlyList<Kernel> kernels, IReadOnlyList<string>? labels, Tensor<float>[,] maps)
    {
        Images = images;
        Kernels = kernels;
        Labels = labels;
        _maps = maps;
    }

    /// <summary>The images, as given.</summary>
    public IReadOnlyList<Tensor<float>> Images { get; }

    /// <summary>The kernels.</summary>
    public IReadOnlyList<Kernel> Kernels { get; }

    /// <summary>The images' labels, or null.</summary>
    public IReadOnlyList<string>? Labels { get; }

    /// <summary>The response of image <paramref name="image"/> to kernel <paramref name="kernel"/>: <c>[OH, OW]</c>.</summary>
    /// <param name="image">The image's position.</param>
    /// <param name="kernel">The kernel's position.</param>
    public Tensor<float> this[int image, int kernel] => _maps[image, kernel];

    /// <summary>The first response (the only one after <see cref="Kernel.Convolve(Tensor{float}, bool)"/>).</summary>
    public Tensor<float> Map => _maps[0, 0];

    internal static Responses Compute(IReadOnlyList<Tensor<float>> images, IReadOnlyList<Kernel> kernels, IReadOnlyList<string>? labels, bool addBias)
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

        var maps = new Tensor<float>[images.Count, kernels.Count];
        for (var i = 0; i < images.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(images[i], nameof(images));
            for (var j = 0; j < kernels.Count; j++)
            {
                var kernel = kernels[j];
                var image = Fit(images[i], kernel, i);
                maps[i, j] = Convolution.Convolve2D(image, kernel.Values, kernel.Layer.Options with { Group = 1 }, addBias ? kernel.Bias : 0f);
            }
        }

        return new Responses(images, kernels, labels, maps);
    }

    /// <summary>Drops leading axes of length 1 so the image's rank matches the kernel's.</summary>
    private static Tensor<float> Fit(Tensor<float> image, Kernel kernel, int index)
    {
        var lengths = image.Lengths.ToArray();
        var skip = 0;
        while (lengths.Length - skip > kernel.Values.Rank && lengths[skip] == 1)
        {
            skip++;
        }

        if (lengths.Length - skip != kernel.Values.Rank)
        {
            ThrowHelper.ThrowArgument("images", $"Image {index} is {Onnx.Shapes.Format(image.Lengths)}; kernel {kernel.Index} of '{kernel.Layer.Name}' is {Onnx.Shapes.Format(kernel.Values.Lengths)}, so give [{(kernel.Values.Rank == 3 ? $"{kernel.Values.Lengths[0]}, " : string.Empty)}H, W].");
        }

        return skip == 0 ? image : Tensor.Create(image.ToArray(), lengths.AsSpan(skip));
    }

    /// <summary>
    /// The lecture's figure: kernels along the top, images down the left, each image's response to each
    /// kernel in the cells, with a shared diverging range (white at zero) and a colorbar.
    /// </summary>
    /// <param name="options">Rendering options; the title defaults to the layer.</param>
    /// <returns>The figure.</returns>
    public Figure Render(RenderOptions? options = null)
    {
        var o = (options ?? RenderOptions.Default with { Colorbar = true }) with
        {
            Title = options?.Title ?? $"{Kernels[0].Layer.Name}: image ∗ kernel = response",
        };
        var responses = new Tensor<float>[Images.Count][];
        for (var i = 0; i < Images.Count; i++)
        {
            responses[i] = new Tensor<float>[Kernels.Count];
            for (var j = 0; j < Kernels.Count; j++)
            {
                responses[i][j] = _maps[i, j];
            }
        }

        var shownKernels = Kernels.Select(k => k.Values.Rank == 2 ? k.Values : ChannelSum(k.Values)).ToArray();
        var kernelLabels = Kernels.Select(k => k.Values.Rank == 2 ? $"kernel {k.Index}" : $"kernel {k.Index} (sum of {k.Values.Lengths[0]} channels)").ToArray();
        return Interpretability.Render.Comparison([.. Images], shownKernels, responses, Labels, kernelLabels, o);
    }

    /// <summary>Renders the responses (<see cref="Render"/>) and writes them as PNG.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="options">Rendering options.</param>
    /// <returns>What was written.</returns>
    public PngFile SavePng(string path, RenderOptions? options = null) => Render(options).SavePng(path);

    private static Tensor<float> ChannelSum(Tensor<float> kernel)
    {
        var channels = (int)kernel.Lengths[0];
        var plane = (int)(kernel.Lengths[1] * kernel.Lengths[2]);
        var data = kernel.ToArray();
        var sum = new float[plane];
        for (var c = 0; c < channels; c++)
        {
            for (var i = 0; i < plane; i++)
            {
                sum[i] += data[(c * plane) + i];
            }
        }

        return Tensor.Create(sum, [kernel.Lengths[1], kernel.Lengths[2]]);
    }
}
