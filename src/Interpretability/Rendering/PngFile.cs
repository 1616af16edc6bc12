namespace Interpretability;

/// <summary>What a figure's PNG terminal call wrote.</summary>
/// <param name="Path">The full path of the file written, or null when written to a stream.</param>
/// <param name="Width">The image width in pixels.</param>
/// <param name="Height">The image height in pixels.</param>
/// <param name="Bytes">The number of PNG bytes written.</param>
public sealed record PngFile(string? Path, int Width, int Height, long Bytes);
