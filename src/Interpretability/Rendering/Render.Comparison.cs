using System.Globalization;
using System.Numerics.Tensors;
using Interpretability.Internals;
using Interpretability.Rendering;
using SkiaSharp;

namespace Interpretability;

public static partial class Render
{
    private const int ComparisonTarget = 112;
    private const int CellGap = 6;
    private const int SeparatorGap = 13;

    /// <summary>
    /// The lecture's figure, image ∗ kernel = response, for several images and kernels: the kernels along
    /// the top, the images down the left, and in row i, column j the response of image i to kernel j.
    /// </summary>
    /// <param name="images">The inputs, each [H, W] or [3, H, W] (leading 1s allowed), drawn as images.</param>
    /// <param name="kernels">The kernels, each [kH, kW] (leading 1s allowed), drawn as large as an image cell with their values.</param>
    /// <param name="responses">responses[i][j] is image i convolved with kernel j, each [H', W']; drawn at the images' scale, so a smaller (valid) response shows the border it lost.</param>
    /// <param name="imageLabels">One label per image (class names, file names), or null for "image 0", "image 1", ....</param>
    /// <param name="kernelLabels">One label per kernel, or null for "kernel 0", "kernel 1", ....</param>
    /// <param name="options">
    /// The colormap of kernels and responses (Auto: Diverging for signed values); Min and Max apply to the
    /// responses (kernels always use their own range); shared or per-tile range; scale (of the images);
    /// values; labels; colorbar (of the responses); title. <see cref="RenderOptions.Default"/> when null.
    /// </param>
    /// <returns>The figure.</returns>
    public static Figure Comparison(IReadOnlyList<Tensor<float>> images, IReadOnlyList<Tensor<float>> kernels,
        IReadOnlyList<IReadOnlyList<Tensor<float>>> responses, IReadOnlyList<string>? imageLabels = null,
        IReadOnlyList<string>? kernelLabels = null, RenderOptions? options = null)
    {
        var o = (options ?? RenderOptions.Default).Validate(nameof(options));
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(kernels);
        ArgumentNullException.ThrowIfNull(responses);
        NotEmpty(images, nameof(images));
        NotEmpty(kernels, nameof(kernels));
        Labels(imageLabels, images.Count, nameof(imageLabels), "images");
        Labels(kernelLabels, kernels.Count, nameof(kernelLabels), "kernels");
        if (responses.Count != images.Count)
        {
            ThrowHelper.ThrowArgument(nameof(responses), $"{nameof(responses)} has {responses.Count} rows for {images.Count} images; give one row per image.");
        }

        var imageData = new (float[] Data, int Channels, int Rows, int Cols)[images.Count];
        for (var i = 0; i < images.Count; i++)
        {
            imageData[i] = TensorData.Image(images[i], $"{nameof(images)}[{i}]");
        }

        var kernelData = new (float[] Data, int Rows, int Cols)[kernels.Count];
        for (var j = 0; j < kernels.Count; j++)
        {
            kernelData[j] = TensorData.Plane(kernels[j], $"{nameof(kernels)}[{j}]");
        }

        var responseData = new (float[] Data, int Rows, int Cols)[images.Count, kernels.Count];
        for (var i = 0; i < images.Count; i++)
        {
            var row = responses[i];
            if (row is null || row.Count != kernels.Count)
            {
                ThrowHelper.ThrowArgument(nameof(responses), $"{nameof(responses)}[{i}] has {row?.Count ?? 0} responses for {kernels.Count} kernels; give one per kernel.");
            }

            for (var j = 0; j < kernels.Count; j++)
            {
                responseData[i, j] = TensorData.Plane(row[j], $"{nameof(responses)}[{i}][{j}]");
            }
        }

        return DrawComparison(imageData, kernelData, responseData, imageLabels, kernelLabels, o);
    }

    /// <summary>
    /// The comparison figure with the responses computed here: responses[i][j] = <paramref name="convolve"/>(images[i], kernels[j]).
    /// </summary>
    /// <param name="images">The inputs, each [H, W] or [3, H, W] (leading 1s allowed).</param>
    /// <param name="kernels">The kernels, each [kH, kW] (leading 1s allowed).</param>
    /// <param name="convolve">The convolution, for example a 2-D convolution with "same" padding.</param>
    /// <param name="imageLabels">One label per image, or null.</param>
    /// <param name="kernelLabels">One label per kernel, or null.</param>
    /// <param name="options">As for the other overload.</param>
    /// <returns>The figure.</returns>
    public static Figure Comparison(IReadOnlyList<Tensor<float>> images, IReadOnlyList<Tensor<float>> kernels,
        Func<Tensor<float>, Tensor<float>, Tensor<float>> convolve, IReadOnlyList<string>? imageLabels = null,
        IReadOnlyList<string>? kernelLabels = null, RenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(kernels);
        ArgumentNullException.ThrowIfNull(convolve);
        var responses = new Tensor<float>[images.Count][];
        for (var i = 0; i < images.Count; i++)
        {
            responses[i] = new Tensor<float>[kernels.Count];
            for (var j = 0; j < kernels.Count; j++)
            {
                responses[i][j] = convolve(images[i], kernels[j])
                    ?? ThrowHelper.ThrowArgument<Tensor<float>>(nameof(convolve), $"{nameof(convolve)} returned null for image {i} and kernel {j}.");
            }
        }

        return Comparison(images, kernels, responses, imageLabels, kernelLabels, options);
    }

    private static Figure DrawComparison((float[] Data, int Channels, int Rows, int Cols)[] images, (float[] Data, int Rows, int Cols)[] kernels,
        (float[] Data, int Rows, int Cols)[,] responses, IReadOnlyList<string>? imageLabels, IReadOnlyList<string>? kernelLabels, RenderOptions o)
    {
        int n = images.Length, k = kernels.Length;

        // Kernels: their own range (Min and Max are the responses'), shared across kernels unless per-tile.
        var kernelOptions = o with { Min = null, Max = null };
        var kernelRange = default(ValueRange);
        foreach (var kernel in kernels)
        {
            kernelRange.Add(ValueRange.Of(kernel.Data));
        }

        var kernelMap = ColorScale.Resolve(o.Colormap, kernelRange, kernelOptions);
        var kernelShared = ColorScale.Create(kernelMap, kernelRange, kernelOptions);

        var responseRange = default(ValueRange);
        foreach (var response in responses)
        {
            responseRange.Add(ValueRange.Of(response.Data));
        }

        var responseMap = ColorScale.Resolve(o.Colormap, responseRange, o);
        var responseShared = ColorScale.Create(responseMap, responseRange, o);

        var imageTiles = images.Select(im => Tile.FromImage(im.Data, im.Channels, im.Rows, im.Cols, ColorScale.ForImage(ValueRange.Of(im.Data), null, null, o.NanColor))).ToArray();
        var kernelTiles = kernels.Select(kn => Tile.FromMap(kn.Data, kn.Rows, kn.Cols,
            o.SharedRange ? kernelShared : ColorScale.Create(kernelMap, ValueRange.Of(kn.Data), kernelOptions), o)).ToArray();
        var responseTiles = new Tile[n, k];
        int maxRows = images.Max(im => im.Rows), maxCols = images.Max(im => im.Cols);
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < k; j++)
            {
                var r = responses[i, j];
                var scale = o.SharedRange ? responseShared : ColorScale.Create(responseMap, ValueRange.Of(r.Data), o);
                responseTiles[i, j] = Tile.FromMap(r.Data, r.Rows, r.Cols, scale, o with { ShowValues = o.ShowValues == true });
                maxRows = Math.Max(maxRows, r.Rows);
                maxCols = Math.Max(maxCols, r.Cols);
            }
        }

        var labelHeight = o.ShowLabels ? Typefaces.LineHeight(TileGrid.TileLabelSize) + 2 : 0;
        ColorScale? colorbar = o.Colorbar && o.SharedRange ? responseShared : null;
        (long Width, long Height) Content(int s) =>
            ((long)maxCols * s * (k + 1) + SeparatorGap + ((k - 1L) * CellGap),
             ((labelHeight + ((long)maxRows * s)) * (n + 1)) + SeparatorGap + ((n - 1L) * CellGap));
        var s = Frame.ResolveScale(o.Scale, ComparisonTarget, Math.Max(maxRows, maxCols),
            t => { var c = Content(t); return Frame.Size(c.Width, c.Height, o, colorbar, margin: true); }, "options");
        var (width, height) = Content(s);
        int cellWidth = maxCols * s, cellHeight = maxRows * s, rowHeight = labelHeight + cellHeight;

        return Frame.Compose((int)width, (int)height, o, colorbar, margin: true, (canvas, x0, y0) =>
        {
            int ColumnX(int j) => x0 + cellWidth + SeparatorGap + (j * (cellWidth + CellGap));
            int RowY(int i) => y0 + rowHeight + SeparatorGap + (i * (rowHeight + CellGap));
            void Label(string text, int x, int y)
            {
                var fitted = canvas.Ellipsize(text, cellWidth + CellGap, TileGrid.TileLabelSize);
                canvas.DrawText(fitted, x + (cellWidth / 2f), y, SKTextAlign.Center, TileGrid.TileLabelSize, Rgba.Black);
            }

            void Centred(Tile tile, int x, int y, int scale) =>
                tile.Draw(canvas, x + ((cellWidth - (tile.Cols * scale)) / 2), y + ((cellHeight - (tile.Rows * scale)) / 2), scale);

            // The corner says how to read the table; thin rules separate the headers from the responses.
            if (o.ShowLabels)
            {
                var corner = canvas.Ellipsize("image ∗ kernel", cellWidth, TileGrid.TileLabelSize);
                canvas.DrawText(corner, x0 + (cellWidth / 2f), y0 + labelHeight + ((cellHeight - labelHeight) / 2f), SKTextAlign.Center, TileGrid.TileLabelSize, new Rgba(96, 96, 96));
            }

            var rule = new Rgba(190, 190, 190);
            canvas.FillRect(x0, y0 + rowHeight + (SeparatorGap / 2), (int)width, 1, rule);
            canvas.FillRect(x0 + cellWidth + (SeparatorGap / 2), y0, 1, (int)height, rule);

            for (var j = 0; j < k; j++)
            {
                if (o.ShowLabels)
                {
                    Label(kernelLabels?[j] ?? "kernel " + j.ToString(CultureInfo.InvariantCulture), ColumnX(j), y0);
                }

                var kernelScale = Math.Max(1, Math.Min(cellWidth / kernels[j].Cols, cellHeight / kernels[j].Rows));
                Centred(kernelTiles[j], ColumnX(j), y0 + labelHeight, kernelScale);
            }

            for (var i = 0; i < n; i++)
            {
                if (o.ShowLabels)
                {
                    Label(imageLabels?[i] ?? "image " + i.ToString(CultureInfo.InvariantCulture), x0, RowY(i));
                }

                Centred(imageTiles[i], x0, RowY(i) + labelHeight, s);
                for (var j = 0; j < k; j++)
                {
                    Centred(responseTiles[i, j], ColumnX(j), RowY(i) + labelHeight, s);
                }
            }
        }, colorbarSpan: (rowHeight + SeparatorGap + labelHeight, (int)height - rowHeight - SeparatorGap - labelHeight));
    }

    private static void NotEmpty(IReadOnlyList<Tensor<float>> list, string paramName)
    {
        if (list.Count == 0)
        {
            ThrowHelper.ThrowArgument(paramName, $"{paramName} is empty; give at least one.");
        }
    }

    private static void Labels(IReadOnlyList<string>? labels, int count, string paramName, string what)
    {
        if (labels is not null && labels.Count != count)
        {
            ThrowHelper.ThrowArgument(paramName, $"{paramName} has {labels.Count} entries for {count} {what}; give one per entry, or null.");
        }
    }
}
