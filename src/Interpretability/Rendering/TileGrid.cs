using SkiaSharp;

namespace Interpretability.Rendering;

/// <summary>One group of tiles drawn side by side under an optional header (one kernel's input channels).</summary>
internal sealed record TileGroup(string? Header, IReadOnlyList<Tile> Tiles);

/// <summary>
/// Lays groups of tiles out in rows and columns with labels, and draws them at one scale. Tiles smaller
/// than the largest are centred in their cell.
/// </summary>
internal static class TileGrid
{
    public const int TileGap = 4;
    public const float TileLabelSize = 11f;
    public const float HeaderSize = 12f;

    public static Figure Draw(IReadOnlyList<TileGroup> groups, RenderOptions options, ColorScale? colorbar, int target, string paramName)
    {
        var tiles = groups.Sum(g => g.Tiles.Count);
        var maxRows = groups.Max(g => g.Tiles.Max(t => t.Rows));
        var maxCols = groups.Max(g => g.Tiles.Max(t => t.Cols));
        var hasLabels = options.ShowLabels && groups.Any(g => g.Tiles.Any(t => t.Label is not null));
        var hasHeaders = options.ShowLabels && groups.Any(g => g.Header is not null);
        var labelHeight = hasLabels ? Typefaces.LineHeight(TileLabelSize) + 2 : 0;
        var headerHeight = hasHeaders ? Typefaces.LineHeight(HeaderSize) + 2 : 0;
        var perGroup = groups.Max(g => g.Tiles.Count);
        var groupGap = perGroup > 1 ? 14 : 8;

        // Fewer pixels per tile when there are many tiles, so a large layer still fits a screen.
        var tileTarget = tiles <= 64 ? target : tiles <= 512 ? target / 2 : target / 4;
        Layout At(int s) => Layout.Create(groups.Count, perGroup, maxCols * s, maxRows * s, labelHeight, headerHeight, groupGap, options.Columns);
        var scale = Frame.ResolveScale(options.Scale, tileTarget, Math.Max(maxRows, maxCols),
            s => { var l = At(s); return Frame.Size(l.Width, l.Height, options, colorbar, margin: true); }, paramName);
        var layout = At(scale);

        return Frame.Compose((int)layout.Width, (int)layout.Height, options, colorbar, margin: true, (canvas, x0, y0) =>
        {
            for (var g = 0; g < groups.Count; g++)
            {
                var group = groups[g];
                var gx = x0 + (int)((g % layout.Columns) * (layout.GroupWidth + groupGap));
                var gy = y0 + (int)((g / layout.Columns) * (layout.GroupHeight + groupGap));
                if (hasHeaders && group.Header is { } header)
                {
                    var groupWidth = (group.Tiles.Count * layout.CellWidth) + ((group.Tiles.Count - 1) * TileGap);
                    var text = canvas.Ellipsize(header, groupWidth + TileGap, HeaderSize);
                    canvas.DrawText(text, gx + (groupWidth / 2f), gy, SKTextAlign.Center, HeaderSize, Rgba.Black);
                }

                for (var i = 0; i < group.Tiles.Count; i++)
                {
                    var tile = group.Tiles[i];
                    var cx = gx + (i * (layout.CellWidth + TileGap));
                    var cy = gy + headerHeight;
                    if (hasLabels && tile.Label is { } label)
                    {
                        var text = canvas.Ellipsize(label, layout.CellWidth + TileGap, TileLabelSize);
                        canvas.DrawText(text, cx + (layout.CellWidth / 2f), cy, SKTextAlign.Center, TileLabelSize, Rgba.Black);
                    }

                    cy += labelHeight;
                    var tx = cx + ((layout.CellWidth - (tile.Cols * scale)) / 2);
                    var ty = cy + ((layout.CellHeight - (tile.Rows * scale)) / 2);
                    tile.Draw(canvas, tx, ty, scale);
                }
            }
        });
    }

    /// <summary>The size of a grid of groups; columns count groups.</summary>
    internal readonly record struct Layout(int Columns, int Rows, int CellWidth, int CellHeight, long GroupWidth, long GroupHeight, long Width, long Height)
    {
        public static Layout Create(int groups, int perGroup, int cellWidth, int cellHeight, int labelHeight, int headerHeight, int groupGap, int? columns)
        {
            long groupWidth = ((long)perGroup * cellWidth) + ((perGroup - 1L) * TileGap);
            long groupHeight = headerHeight + labelHeight + (long)cellHeight;
            var cols = Math.Min(groups, columns ?? AutoColumns(groups, groupWidth + groupGap, groupHeight + groupGap));
            var rows = (groups + cols - 1) / cols;
            return new Layout(cols, rows, cellWidth, cellHeight, groupWidth, groupHeight,
                (cols * groupWidth) + ((cols - 1L) * groupGap),
                (rows * groupHeight) + ((rows - 1L) * groupGap));
        }

        /// <summary>
        /// About 4:3 landscape overall; of the column counts next to that, the one that leaves the fewest
        /// empty places in the last row (64 kernels: 8 × 8 rather than 7 × 10 with one in the last row).
        /// </summary>
        private static int AutoColumns(int groups, long pitchX, long pitchY)
        {
            var ideal = (int)Math.Ceiling(Math.Sqrt(groups * (double)pitchY / pitchX * 4.0 / 3.0));
            ideal = Math.Clamp(ideal, 1, groups);
            var best = ideal;
            var bestEmpty = int.MaxValue;
            foreach (var cols in (ReadOnlySpan<int>)[ideal, ideal - 1, ideal + 1])
            {
                if (cols < 1 || cols > groups)
                {
                    continue;
                }

                var rows = (groups + cols - 1) / cols;
                var empty = (rows * cols) - groups;
                if (empty < bestEmpty)
                {
                    (best, bestEmpty) = (cols, empty);
                }
            }

            var finalRows = (groups + best - 1) / best;
            return (groups + finalRows - 1) / finalRows;
        }
    }
}
