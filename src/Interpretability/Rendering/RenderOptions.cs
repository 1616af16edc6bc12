using Interpretability.Internals;

namespace Interpretability;

/// <summary>
/// How <see cref="Render"/> draws a figure. One immutable options type for every figure: change it
/// with <c>with</c>, for example <c>RenderOptions.Default with { Colormap = Colormap.Gray, Scale = 8 }</c>.
/// Each property says which figures read it; the others ignore it.
/// </summary>
/// <remarks>
/// Odd values never fail a render: NaN is drawn in <see cref="NanColor"/>; +Inf and -Inf are left out
/// of the automatic range and drawn as its top and bottom colours; a constant tensor is drawn in the
/// middle colour of <see cref="Colormap.Gray"/> and <see cref="Colormap.Viridis"/>, and under
/// <see cref="Colormap.Diverging"/> by its sign (zero is white).
/// </remarks>
public sealed record RenderOptions
{
    /// <summary>Automatic colormap, range and scale; labels on; no title or colorbar.</summary>
    public static RenderOptions Default { get; } = new();

    /// <summary>The colormap of heatmaps, kernels, feature maps and responses. Images are always drawn in gray or colour.</summary>
    public Colormap Colormap { get; init; } = Colormap.Auto;

    /// <summary>
    /// The value drawn in the lowest colour, or null for the smallest finite value (the figure's, or the
    /// tile's when <see cref="SharedRange"/> is false). Lower values are clamped to it.
    /// </summary>
    public float? Min { get; init; }

    /// <summary>The value drawn in the highest colour, or null for the largest finite value. Higher values are clamped to it.</summary>
    public float? Max { get; init; }

    /// <summary>
    /// For <see cref="Colormap.Diverging"/>: true (the default) makes the range symmetric about zero,
    /// [-m, m] with m the larger of |min| and |max|, so equal colours mean equal magnitudes; false keeps
    /// [min, max] and still puts white at zero (each side scaled on its own).
    /// </summary>
    public bool SymmetricRange { get; init; } = true;

    /// <summary>
    /// Grids and comparisons: true (the default) gives every tile the same range, so colours compare
    /// across tiles and a colorbar can be drawn; false scales each tile to its own range.
    /// </summary>
    public bool SharedRange { get; init; } = true;

    /// <summary>
    /// Screen pixels per tensor element (nearest neighbour, so a 3×3 kernel at scale 20 is 60×60 crisp
    /// squares), or null for automatic: about 256 pixels across a heatmap or image, 96 across a grid tile
    /// and 112 across a comparison cell. From 1 to 1024.
    /// </summary>
    public int? Scale { get; init; }

    /// <summary>Grids: the number of columns (of kernels, for a kernel grid), or null for a near-square layout.</summary>
    public int? Columns { get; init; }

    /// <summary>
    /// Print each value on its cell: null (the default) prints them on tensors of at most 8×8 when the
    /// numbers fit, true always, false never.
    /// </summary>
    public bool? ShowValues { get; init; }

    /// <summary>Draw a colorbar with the range's ends (and zero, for diverging) to the right. Only with a shared range.</summary>
    public bool Colorbar { get; init; }

    /// <summary>Draw tile labels and headers in grids and comparisons (the default).</summary>
    public bool ShowLabels { get; init; } = true;

    /// <summary>A title above the figure, or null for none.</summary>
    public string? Title { get; init; }

    /// <summary>Overlays: the opacity of the map over the image, from 0 (image only) to 1 (map only); 0.5 by default.</summary>
    public float Alpha { get; init; } = 0.5f;

    /// <summary>The colour of NaN values; magenta by default, which no colormap contains.</summary>
    public Rgba NanColor { get; init; } = Rgba.Magenta;

    internal const int MaxScale = 1024;

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> when a value is out of range.</summary>
    internal RenderOptions Validate(string paramName)
    {
        if (Min is { } min && !float.IsFinite(min))
        {
            ThrowHelper.ThrowArgument(paramName, $"{nameof(Min)} is {min}; it must be a finite number or null.");
        }

        if (Max is { } max && !float.IsFinite(max))
        {
            ThrowHelper.ThrowArgument(paramName, $"{nameof(Max)} is {max}; it must be a finite number or null.");
        }

        if (Min is { } lo && Max is { } hi && lo > hi)
        {
            ThrowHelper.ThrowArgument(paramName, $"{nameof(Min)} ({lo}) is greater than {nameof(Max)} ({hi}); Min must be at most Max.");
        }

        if (Scale is { } scale && (scale < 1 || scale > MaxScale))
        {
            ThrowHelper.ThrowArgument(paramName, $"{nameof(Scale)} is {scale}; it must be from 1 to {MaxScale}, or null for automatic.");
        }

        if (Columns is { } columns && columns < 1)
        {
            ThrowHelper.ThrowArgument(paramName, $"{nameof(Columns)} is {columns}; it must be at least 1, or null for automatic.");
        }

        if (!(Alpha >= 0f && Alpha <= 1f))
        {
            ThrowHelper.ThrowArgument(paramName, $"{nameof(Alpha)} is {Alpha}; it must be from 0 to 1.");
        }

        if (!Enum.IsDefined(Colormap))
        {
            ThrowHelper.ThrowArgument(paramName, $"{nameof(Colormap)} is {(int)Colormap}; it must be one of {string.Join(", ", Enum.GetNames<Colormap>())}.");
        }

        return this;
    }
}
