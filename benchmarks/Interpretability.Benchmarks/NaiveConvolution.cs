namespace Interpretability.Benchmarks;

/// <summary>
/// The loop a user writes first: zero-padded cross-correlation of one image with one kernel, "same"
/// output size, a bounds check per tap, float accumulator. The benchmarks' naive baseline and the
/// smoke check's reference.
/// </summary>
internal static class NaiveConvolution
{
    public static void Same(float[] image, int height, int width, float[] kernel, int k, float[] output)
    {
        int pad = k / 2;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                float sum = 0;
                for (int ky = 0; ky < k; ky++)
                {
                    int iy = y + ky - pad;
                    if (iy < 0 || iy >= height)
                    {
                        continue;
                    }

                    for (int kx = 0; kx < k; kx++)
                    {
                        int ix = x + kx - pad;
                        if (ix >= 0 && ix < width)
                        {
                            sum += image[(iy * width) + ix] * kernel[(ky * k) + kx];
                        }
                    }
                }

                output[(y * width) + x] = sum;
            }
        }
    }
}
