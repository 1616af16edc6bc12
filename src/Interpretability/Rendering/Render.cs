using System.Numerics.Tensors;
using Interpretability.Imaging;
using Interpretability.Rendering;

namespace Interpretability;

/// <summary>
/// Turns tensors into pictures: heatmaps, images, overlays, grids of kernels or feature maps, and the
/// image ∗ kernel = response comparison. Every method takes <see cref="Tensor{T}"/> data and an optional
/// <see cref="RenderOptions"/>, and returns a <see cref="Figure"/> to save with
/// <see cref="Figure.SavePng(string)"/>. The same input always gives the same pixels and PNG bytes.
/// </summary>
/// <remarks>
/// NaN, ±Inf and constant tensors render without error: see <see cref="RenderOptions"/>. Shapes that do
/// not fit a method raise <see cref="ArgumentException"/> naming the parameter, its shape and what is
/// allowed; so does a figure larger than 16384 pixels per side or 64 Mi pixels in all.
/// </remarks>
public static partial class Render
{
    private const int HeatmapTarget = 256;

    /// <summary>A 2-D map as a heatmap, one square of <see cref="RenderOptions.Scale"/> pixels per value.</summary>
    /// <param name="map">The map, [H, W] (leading 1s are allowed, as in [1, 1, H, W]).</param>
    /// <param name="options">Colormap, range, scale, values, colorbar, title; <see cref="RenderOptions.Default"/> when null.</param>
    /// <returns>
    /// The figure. Without a title or colorbar it is exactly W·scale × H·scale pixels; small maps (at most
    /// 8×8, like kernels) have their values printed on the squares.
    /// </returns>
    public static Figure Heatmap(Tensor<float> map, RenderOptions? options = null)
    {
        var o = (options ?? RenderOptions.Default).Validate(nameof(options));
        var (data, rows, cols) = TensorData.Plane(map, nameof(map));
        var range = ValueRange.Of(data);
        var scale = ColorScale.Create(ColorScale.Resolve(o.Colormap, range, o), range, o);
        ColorScale? colorbar = o.Colorbar ? scale : null;
        var tile = Tile.FromMap(data, rows, cols, scale, o);
        var s = Frame.ResolveScale(o.Scale, HeatmapTarget, Math.Max(rows, cols),
            k => Frame.Size((long)cols * k, (long)rows * k, o, colorbar, margin: false), nameof(options));
        return Frame.Compose(cols * s, rows * s, o, colorbar, margin: false, (canvas, x, y) => tile.Draw(canvas, x, y, s));
    }

    /// <summary>An image as it is: gray [H, W] or colour [3, H, W].</summary>
    /// <param name="image">
    /// [H, W] or [1, H, W] gray, or [3, H, W] RGB (leading 1s allowed, as in [1, 3, H, W]). Values in [0, 1]
    /// are drawn as they are; an image with values outside [0, 1] (say, after mean/std normalisation) is
    /// stretched from its smallest to its largest finite value, unless <see cref="RenderOptions.Min"/> or
    /// <see cref="RenderOptions.Max"/> say otherwise.
    /// </param>
    /// <param name="options">Scale, title, range and NaN colour; <see cref="RenderOptions.Default"/> when null.</param>
    /// <returns>The figure; without a title exactly W·scale × H·scale pixels.</returns>
    public static Figure Image(Tensor<float> image, RenderOptions? options = null)
    {
        var o = (options ?? RenderOptions.Default).Validate(nameof(options));
        var (data, channels, rows, cols) = TensorData.Image(image, nameof(image));
        var scale = ColorScale.ForImage(ValueRange.Of(data), o.Min, o.Max, o.NanColor);
        var tile = Tile.FromImage(data, channels, rows, cols, scale);
        var s = Frame.ResolveScale(o.Scale, HeatmapTarget, Math.Max(rows, cols),
            k => Frame.Size((long)cols * k, (long)rows * k, o, null, margin: false), nameof(options));
        return Frame.Compose(cols * s, rows * s, o, null, margin: false, (canvas, x, y) => tile.Draw(canvas, x, y, s));
    }

    /// <summary>
    /// A 2-D map (an attribution or saliency map, a feature map) laid over an image: each pixel is
    /// (1 − alpha)·image + alpha·colormap(map).
    /// </summary>
    /// <param name="image">The image, as for <see cref="Image(Tensor{float}, RenderOptions?)"/> (always drawn with its own range).</param>
    /// <param name="map">
    /// The map, [h, w] (leading 1s allowed). A map of another size than the image is resized to it with
    /// bilinear interpolation (pixel centres aligned). Where the map is NaN the image shows through.
    /// </param>
    /// <param name="options">
    /// <see cref="RenderOptions.Alpha"/>, and the map's colormap, range, colorbar; scale and title;
    /// <see cref="RenderOptions.Default"/> when null.
    /// </param>
    /// <returns>The figure; without a title or colorbar exactly W·scale × H·scale pixels, the image's size.</returns>
    public static Figure Overlay(Tensor<float> image, Tensor<float> map, RenderOptions? options = null)
    {
        var o = (options ?? RenderOptions.Default).Validate(nameof(options));
        var (pixels, channels, rows, cols) = TensorData.Image(image, nameof(image));
        var (mapData, mapRows, mapCols) = TensorData.Plane(map, nameof(map));
        var range = ValueRange.Of(mapData);
        var mapScale = ColorScale.Create(ColorScale.Resolve(o.Colormap, range, o), range, o);
        if (mapRows != rows || mapCols != cols)
        {
            mapData = Resampler.Resize(mapData, mapRows, mapCols, rows, cols);
        }

        var imageTile = Tile.FromImage(pixels, channels, rows, cols, ColorScale.ForImage(ValueRange.Of(pixels), null, null, o.NanColor));
        var cells = imageTile.Cells;
        var alpha = (double)o.Alpha;
        for (var i = 0; i < cells.Length; i++)
        {
            var t = mapScale.Position(mapData[i]);
            if (double.IsNaN(t))
            {
                continue;
            }

            var c = ColorScale.ColorAt(mapScale.Map, t);
            var under = cells[i];
            cells[i] = new Rgba(Blend(under.R, c.R, alpha), Blend(under.G, c.G, alpha), Blend(under.B, c.B, alpha));
        }

        ColorScale? colorbar = o.Colorbar ? mapScale : null;
        var s = Frame.ResolveScale(o.Scale, HeatmapTarget, Math.Max(rows, cols),
            k => Frame.Size((long)cols * k, (long)rows * k, o, colorbar, margin: false), nameof(options));
        return Frame.Compose(cols * s, rows * s, o, colorbar, margin: false, (canvas, x, y) => imageTile.Draw(canvas, x, y, s));

        static byte Blend(byte under, byte over, double alpha) =>
            (byte)Math.Round(((1.0 - alpha) * under) + (alpha * over), MidpointRounding.AwayFromZero);
    }
}
