namespace Interpretability;

/// <summary>An 8-bit colour with straight (not premultiplied) alpha, as stored in a <see cref="Figure"/>.</summary>
/// <param name="R">Red, 0 to 255.</param>
/// <param name="G">Green, 0 to 255.</param>
/// <param name="B">Blue, 0 to 255.</param>
/// <param name="A">Alpha, 0 (transparent) to 255 (opaque).</param>
public readonly record struct Rgba(byte R, byte G, byte B, byte A = 255)
{
    /// <summary>Opaque white, the background of every figure.</summary>
    public static Rgba White { get; } = new(255, 255, 255);

    /// <summary>Opaque black, the colour of text.</summary>
    public static Rgba Black { get; } = new(0, 0, 0);

    /// <summary>Opaque magenta, the default marker for NaN: no colormap contains it.</summary>
    public static Rgba Magenta { get; } = new(255, 0, 255);

    /// <inheritdoc/>
    public override string ToString() => $"#{R:X2}{G:X2}{B:X2}{A:X2}";
}
