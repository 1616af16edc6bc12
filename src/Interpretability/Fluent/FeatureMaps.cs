using System.Numerics.Tensors;
using Interpretability.Rendering;

namespace Interpretability;

/// <summary>
/// What one layer of the network computed for some images, read through ONNX Runtime: one set of
/// feature maps <c>[channels, H, W]</c> per image. Made by <see cref="Layer.FeatureMaps(Tensor{float})"/>.
/// </summary>
public sealed class FeatureMaps
{
    internal FeatureMaps(Layer layer, IReadOnlyList<Tensor<float>> images, IReadOnlyList<Tensor<float>> maps, IReadOnlyList<string>? labels)
    {
        Layer = layer;
        Images = images;
        Maps = maps;
        Labels = labels;
    }

    /// <summary>The layer.</summary>
    public Layer Layer { get; }

    /// <summary>The images, as given.</summary>
    public IReadOnlyList<Tensor<float>> Images { get; }

    /// <summary>The feature maps per image, <c>[channels, H, W]</c> for a convolution (the layer's output without the batch axis).</summary>
    public IReadOnlyList<Tensor<float>> Maps { get; }

    /// <summary>The images' labels, or null.</summary>
    public IReadOnlyList<string>? Labels { get; }

    /// <summary>
    /// Draws the feature maps: for one image, a grid of every channel; for several, one row per image
    /// (the image, then its channels), all on one shared range so rows compare.
    /// </summary>
    /// <param name="options">Rendering options; the title defaults to the layer.</param>
    /// <returns>The figure.</returns>
    public Figure Render(RenderOptions? options = null)
    {
        var title = options?.Title ?? $"{Layer.Name} ({Layer.OpType}): feature maps";
        var o = options ?? RenderOptions.Default with { Colorbar = true };
        if (Maps.Count == 1)
        {
            return Interpretability.Render.FeatureMaps(Maps[0], o with { Title = title });
        }

        // One shared range across every row, so a channel's strength compares between images.
        var min = float.PositiveInfinity;
        var max = float.NegativeInfinity;
        foreach (var map in Maps)
        {
            foreach (var value in map.ToArray())
            {
                if (float.IsFinite(value))
                {
                    min = Math.Min(min, value);
                    max = Math.Max(max, value);
                }
            }
        }

        var rowOptions = o with { Min = o.Min ?? min, Max = o.Max ?? max, Columns = o.Columns ?? (int)Maps[0].Lengths[0] };
        var rows = new List<IReadOnlyList<Figure>>();
        for (var i = 0; i < Maps.Count; i++)
        {
            var label = Labels?[i] ?? $"image {i}";
            // The image at about the feature maps' tile size (the grid aims at 96-pixel tiles).
            var imageScale = o.Scale ?? Math.Max(1, 96 / (int)Images[i].Lengths[^2]);
            var image = Interpretability.Render.Image(Images[i], RenderOptions.Default with { Title = label, Scale = imageScale });
            var maps = Interpretability.Render.FeatureMaps(Maps[i], rowOptions with { Title = i == 0 ? title : null, Colorbar = o.Colorbar && i == 0 });
            rows.Add([image, maps]);
        }

        return FigureLayout.Stack(rows);
    }

    /// <summary>Renders the feature maps (<see cref="Render"/>) and writes them as PNG.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="options">Rendering options.</param>
    /// <returns>What was written.</returns>
    public PngFile SavePng(string path, RenderOptions? options = null) => Render(options).SavePng(path);
}
