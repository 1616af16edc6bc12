using System.Globalization;
using System.Numerics.Tensors;
using Interpretability.Internals;
using Interpretability.Rendering;

namespace Interpretability;

public static partial class Render
{
    private const int TileTarget = 96;

    /// <summary>
    /// Every kernel of a convolution layer: one tile per output kernel and input channel. A kernel with
    /// one input channel is one tile labelled k0, k1, ...; a kernel with several is a group headed k0,
    /// k1, ... with tiles c0, c1, ...; a kernel with three input channels (an RGB first layer) also gets
    /// a colour tile "rgb" in which mid-gray is zero.
    /// </summary>
    /// <param name="kernels">The weights, [O, C, kH, kW] as ONNX, PyTorch and <see cref="LayerWeights.Kernel"/> hold them.</param>
    /// <param name="options">
    /// Colormap (Auto gives Diverging for signed weights), shared or per-tile range, scale, columns (of
    /// kernels), values, labels, colorbar, title; <see cref="RenderOptions.Default"/> when null.
    /// </param>
    /// <returns>The figure.</returns>
    public static Figure KernelGrid(Tensor<float> kernels, RenderOptions? options = null)
    {
        var o = (options ?? RenderOptions.Default).Validate(nameof(options));
        ArgumentNullException.ThrowIfNull(kernels);
        if (kernels.Rank != 4)
        {
            ThrowHelper.ThrowArgument(nameof(kernels), $"{nameof(kernels)} has shape {TensorData.Describe(kernels.Lengths)}; it must be 4-D [O, C, kH, kW] (output kernels, input channels, height, width). Use Heatmap for one 2-D kernel.");
        }

        TensorData.NotEmpty(kernels, nameof(kernels));
        var data = TensorData.ToArray(kernels, nameof(kernels));
        int outputs = (int)kernels.Lengths[0], channels = (int)kernels.Lengths[1], rows = (int)kernels.Lengths[2], cols = (int)kernels.Lengths[3];
        var plane = rows * cols;
        var range = ValueRange.Of(data);
        var map = ColorScale.Resolve(o.Colormap, range, o);
        var shared = ColorScale.Create(map, range, o);
        var sharedMagnitude = MaxMagnitude(range);

        var groups = new TileGroup[outputs];
        for (var k = 0; k < outputs; k++)
        {
            var kernel = data.AsSpan(k * channels * plane, channels * plane);
            var tiles = new List<Tile>(channels + 1);
            if (channels == 3)
            {
                var magnitude = o.SharedRange ? sharedMagnitude : MaxMagnitude(ValueRange.Of(kernel));
                tiles.Add(Tile.FromColorKernel(kernel, rows, cols, magnitude, o.NanColor, "rgb"));
            }

            for (var c = 0; c < channels; c++)
            {
                var slice = kernel.Slice(c * plane, plane);
                var scale = o.SharedRange ? shared : ColorScale.Create(map, ValueRange.Of(slice), o);
                tiles.Add(Tile.FromMap(slice, rows, cols, scale, o, channels == 1 ? Name("k", k) : Name("c", c)));
            }

            groups[k] = new TileGroup(channels == 1 ? null : Name("k", k), tiles);
        }

        return TileGrid.Draw(groups, o, o.Colorbar && o.SharedRange ? shared : null, TileTarget, nameof(options));
    }

    /// <summary>The feature maps (activations) of one layer for one input: one tile per channel, labelled c0, c1, ...</summary>
    /// <param name="maps">[C, H, W], or [1, C, H, W] as a batch of one; a single [H, W] map is one tile.</param>
    /// <param name="options">
    /// Colormap (Auto: Viridis for non-negative maps such as ReLU outputs, Diverging for signed ones),
    /// shared or per-tile range, scale, columns, labels, colorbar, title; <see cref="RenderOptions.Default"/> when null.
    /// </param>
    /// <returns>The figure.</returns>
    public static Figure FeatureMaps(Tensor<float> maps, RenderOptions? options = null)
    {
        var o = (options ?? RenderOptions.Default).Validate(nameof(options));
        ArgumentNullException.ThrowIfNull(maps);
        var shape = TensorData.Squeeze(maps, 3);
        if (shape.Length is not (2 or 3))
        {
            ThrowHelper.ThrowArgument(nameof(maps), $"{nameof(maps)} has shape {TensorData.Describe(maps.Lengths)}; it must be [C, H, W] or [1, C, H, W] (one input; pick one sample of a larger batch).");
        }

        TensorData.NotEmpty(maps, nameof(maps));
        var data = TensorData.ToArray(maps, nameof(maps));
        var channels = shape.Length == 3 ? shape[0] : 1;
        int rows = shape[^2], cols = shape[^1];
        var planes = new float[channels][];
        for (var c = 0; c < channels; c++)
        {
            planes[c] = data.AsSpan(c * rows * cols, rows * cols).ToArray();
        }

        return GridOf(planes, [.. Enumerable.Range(0, channels).Select(c => (rows, cols))], [.. Enumerable.Range(0, channels).Select(c => Name("c", c))], o);
    }

    /// <summary>Any 2-D maps side by side, in rows and columns, each with an optional label.</summary>
    /// <param name="tiles">The maps, each [H, W] (leading 1s allowed); sizes may differ (smaller ones are centred).</param>
    /// <param name="labels">One label per tile, or null for none.</param>
    /// <param name="options">Colormap, shared or per-tile range, scale, columns, values, colorbar, title; <see cref="RenderOptions.Default"/> when null.</param>
    /// <returns>The figure.</returns>
    public static Figure Grid(IReadOnlyList<Tensor<float>> tiles, IReadOnlyList<string>? labels = null, RenderOptions? options = null)
    {
        var o = (options ?? RenderOptions.Default).Validate(nameof(options));
        ArgumentNullException.ThrowIfNull(tiles);
        if (tiles.Count == 0)
        {
            ThrowHelper.ThrowArgument(nameof(tiles), $"{nameof(tiles)} is empty; give at least one map.");
        }

        if (labels is not null && labels.Count != tiles.Count)
        {
            ThrowHelper.ThrowArgument(nameof(labels), $"{nameof(labels)} has {labels.Count} entries for {tiles.Count} tiles; give one label per tile, or null.");
        }

        var planes = new float[tiles.Count][];
        var sizes = new (int Rows, int Cols)[tiles.Count];
        for (var i = 0; i < tiles.Count; i++)
        {
            var (data, rows, cols) = TensorData.Plane(tiles[i], $"{nameof(tiles)}[{i}]");
            planes[i] = data;
            sizes[i] = (rows, cols);
        }

        return GridOf(planes, sizes, labels, o);
    }

    private static Figure GridOf(float[][] planes, (int Rows, int Cols)[] sizes, IReadOnlyList<string>? labels, RenderOptions o)
    {
        var range = default(ValueRange);
        foreach (var p in planes)
        {
            range.Add(ValueRange.Of(p));
        }

        var map = ColorScale.Resolve(o.Colormap, range, o);
        var shared = ColorScale.Create(map, range, o);
        var groups = new TileGroup[planes.Length];
        for (var i = 0; i < planes.Length; i++)
        {
            var scale = o.SharedRange ? shared : ColorScale.Create(map, ValueRange.Of(planes[i]), o);
            groups[i] = new TileGroup(null, [Tile.FromMap(planes[i], sizes[i].Rows, sizes[i].Cols, scale, o, labels?[i])]);
        }

        return TileGrid.Draw(groups, o, o.Colorbar && o.SharedRange ? shared : null, TileTarget, "options");
    }

    private static float MaxMagnitude(ValueRange range) => range.Any ? Math.Max(Math.Abs(range.Min), Math.Abs(range.Max)) : 0f;

    private static string Name(string prefix, int index) => prefix + index.ToString(CultureInfo.InvariantCulture);
}
