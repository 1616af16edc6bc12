namespace Interpretability;

/// <summary>How an image is brought to the requested width and height when its aspect ratio differs.</summary>
public enum ResizeMode
{
    /// <summary>Scale to cover the target and cut the excess equally from both sides: no distortion, no padding, edges lost (the Resize + CenterCrop habit of ImageNet models).</summary>
    Fill = 0,

    /// <summary>Scale to fit inside the target and pad equally on both sides with zeros (black): no distortion, nothing lost.</summary>
    Fit,

    /// <summary>Scale width and height independently: nothing lost, no padding, shapes distorted.</summary>
    Stretch,
}
