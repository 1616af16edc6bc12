namespace Interpretability;

/// <summary>The channels an image is loaded with.</summary>
public enum ImageColor
{
    /// <summary>Three channels, [3, H, W], in R, G, B order.</summary>
    Rgb = 0,

    /// <summary>One channel, [H, W] (or [N, 1, H, W] in a batch): ITU-R 601 luma, L = 0.299 R + 0.587 G + 0.114 B, computed exactly as Pillow's convert("L").</summary>
    Grayscale,
}
