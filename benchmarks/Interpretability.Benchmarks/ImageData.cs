namespace Interpretability.Benchmarks;

/// <summary>Deterministic benchmark operands.</summary>
internal static class ImageData
{
    public static float[] Random(int seed, long length)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (long i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }
}
