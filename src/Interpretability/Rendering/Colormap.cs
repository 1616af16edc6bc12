namespace Interpretability;

/// <summary>How values become colours.</summary>
public enum Colormap
{
    /// <summary>
    /// <see cref="Diverging"/> when the finite values of the figure have both signs (kernels,
    /// pre-activation responses), otherwise <see cref="Viridis"/>. Decided once per figure, so every
    /// tile of a grid uses the same map.
    /// </summary>
    Auto = 0,

    /// <summary>Black at the low end of the range to white at the high end.</summary>
    Gray,

    /// <summary>
    /// Matplotlib's perceptually uniform viridis: dark purple (#440154) at the low end through teal to
    /// yellow (#FDE725) at the high end.
    /// </summary>
    Viridis,

    /// <summary>
    /// Blue for negative, white at exactly zero, red for positive (ColorBrewer's RdBu, reversed, with a
    /// pure white centre). Zero is always the centre, and the range is symmetric about it unless
    /// <see cref="RenderOptions.SymmetricRange"/> is false.
    /// </summary>
    Diverging,
}
