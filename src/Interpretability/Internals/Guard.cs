namespace Interpretability.Internals;

/// <summary>Argument checks used at the public boundary; the throws themselves live in <see cref="ThrowHelper"/>.</summary>
internal static class Guard
{
    public static (int Y, int X) Positive((int Y, int X) value, string name) =>
        value.Y > 0 && value.X > 0
            ? value
            : ThrowHelper.ThrowArgumentOutOfRange<(int, int)>(name, value, $"{name} must be positive along both axes.");

    public static (int Top, int Left, int Bottom, int Right) NonNegative((int Top, int Left, int Bottom, int Right) value, string name) =>
        value.Top >= 0 && value.Left >= 0 && value.Bottom >= 0 && value.Right >= 0
            ? value
            : ThrowHelper.ThrowArgumentOutOfRange<(int, int, int, int)>(name, value, $"{name} must be zero or more on every side.");
}
