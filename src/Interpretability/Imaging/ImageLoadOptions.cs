using Interpretability.Internals;

namespace Interpretability;

/// <summary>
/// How <see cref="Images"/> turns a PNG or JPEG into a tensor. Immutable: change it with <c>with</c>,
/// for example <c>ImageLoadOptions.Default with { Color = ImageColor.Grayscale, Width = 28, Height = 28 }</c>.
/// </summary>
public sealed record ImageLoadOptions
{
    /// <summary>RGB at the file's size, values in [0, 1], with the default limits.</summary>
    public static ImageLoadOptions Default { get; } = new();

    /// <summary>RGB [3, H, W] (the default) or grayscale [H, W].</summary>
    public ImageColor Color { get; init; } = ImageColor.Rgb;

    /// <summary>
    /// The width to resize to, or null. With only one of Width and Height the other follows the aspect
    /// ratio; with both, <see cref="Resize"/> decides. Resampling is antialiased bilinear (as Pillow's and
    /// torchvision's), so downscaling averages rather than skips pixels.
    /// </summary>
    public int? Width { get; init; }

    /// <summary>The height to resize to, or null; see <see cref="Width"/>.</summary>
    public int? Height { get; init; }

    /// <summary>How a different aspect ratio is handled when both Width and Height are given: <see cref="ResizeMode.Fill"/> by default.</summary>
    public ResizeMode Resize { get; init; } = ResizeMode.Fill;

    /// <summary>
    /// Per-channel means subtracted after scaling to [0, 1], one per channel or one for all, or null for
    /// none. ImageNet models expect { 0.485, 0.456, 0.406 }.
    /// </summary>
    public IReadOnlyList<float>? Mean { get; init; }

    /// <summary>Per-channel standard deviations divided by after the mean, one per channel or one for all, or null for none. ImageNet: { 0.229, 0.224, 0.225 }.</summary>
    public IReadOnlyList<float>? Std { get; init; }

    /// <summary>The largest width or height accepted, checked from the file's header before any pixel is decoded: 16384 by default.</summary>
    public int MaxDimension { get; init; } = 16384;

    /// <summary>The most pixels (width × height) accepted, checked from the header: 64 Mi (67,108,864) by default.</summary>
    public long MaxPixels { get; init; } = 64L * 1024 * 1024;

    /// <summary>The largest file or stream accepted, in bytes: 256 MiB by default.</summary>
    public long MaxBytes { get; init; } = 256L * 1024 * 1024;

    internal const int MaxResize = 16384;

    internal ImageLoadOptions Validate(string paramName)
    {
        if (!Enum.IsDefined(Color))
        {
            ThrowHelper.ThrowArgument(paramName, $"{nameof(Color)} is {(int)Color}; it must be Rgb or Grayscale.");
        }

        if (!Enum.IsDefined(Resize))
        {
            ThrowHelper.ThrowArgument(paramName, $"{nameof(Resize)} is {(int)Resize}; it must be Fill, Fit or Stretch.");
        }

        if (Width is { } w && (w < 1 || w > MaxResize))
        {
            ThrowHelper.ThrowArgument(paramName, $"{nameof(Width)} is {w}; it must be from 1 to {MaxResize}, or null.");
        }

        if (Height is { } h && (h < 1 || h > MaxResize))
        {
            ThrowHelper.ThrowArgument(paramName, $"{nameof(Height)} is {h}; it must be from 1 to {MaxResize}, or null.");
        }

        if (MaxDimension < 1 || MaxPixels < 1 || MaxBytes < 1)
        {
            ThrowHelper.ThrowArgument(paramName, $"{nameof(MaxDimension)} ({MaxDimension}), {nameof(MaxPixels)} ({MaxPixels}) and {nameof(MaxBytes)} ({MaxBytes}) must be positive.");
        }

        var channels = Color == ImageColor.Rgb ? 3 : 1;
        CheckPerChannel(Mean, nameof(Mean), channels, paramName, positive: false);
        CheckPerChannel(Std, nameof(Std), channels, paramName, positive: true);
        return this;
    }

    private static void CheckPerChannel(IReadOnlyList<float>? values, string name, int channels, string paramName, bool positive)
    {
        if (values is null)
        {
            return;
        }

        if (values.Count != 1 && values.Count != channels)
        {
            ThrowHelper.ThrowArgument(paramName, $"{name} has {values.Count} values; give 1 or {channels} (one per channel).");
        }

        foreach (var v in values)
        {
            if (!float.IsFinite(v) || (positive && v <= 0f))
            {
                ThrowHelper.ThrowArgument(paramName, $"{name} contains {v}; every value must be finite{(positive ? " and greater than 0" : string.Empty)}.");
            }
        }
    }
}
