namespace Interpretability.Imaging;

/// <summary>
/// Separable resampling of float planes with a triangle (bilinear) filter whose support widens with the
/// reduction factor, so downscaling averages every source pixel it covers (no aliasing) and upscaling is
/// plain bilinear with pixel centres at +0.5. This is the scheme of Pillow's and torchvision's
/// antialiased bilinear resize, computed here in floating point.
/// </summary>
internal static class Resampler
{
    /// <summary>
    /// Resamples the source box [x0, x1) × [y0, y1) (in source pixels, fractional allowed) of a
    /// rows × cols plane to outRows × outCols.
    /// </summary>
    public static float[] Resize(ReadOnlySpan<float> source, int rows, int cols, int outRows, int outCols,
        double x0 = 0, double y0 = 0, double x1 = double.NaN, double y1 = double.NaN)
    {
        x1 = double.IsNaN(x1) ? cols : x1;
        y1 = double.IsNaN(y1) ? rows : y1;
        var horizontal = Weights(cols, outCols, x0, x1);
        var vertical = Weights(rows, outRows, y0, y1);

        // Horizontal pass into rows × outCols, then vertical into outRows × outCols.
        var temp = new float[rows * outCols];
        for (var r = 0; r < rows; r++)
        {
            var src = source.Slice(r * cols, cols);
            for (var c = 0; c < outCols; c++)
            {
                temp[(r * outCols) + c] = horizontal[c].Apply(src, 1);
            }
        }

        var result = new float[outRows * outCols];
        for (var r = 0; r < outRows; r++)
        {
            var w = vertical[r];
            for (var c = 0; c < outCols; c++)
            {
                result[(r * outCols) + c] = w.Apply(temp.AsSpan(c), outCols);
            }
        }

        return result;
    }

    private static Taps[] Weights(int inSize, int outSize, double start, double end)
    {
        var scale = (end - start) / outSize;
        var widen = Math.Max(scale, 1.0);
        var support = widen; // the triangle filter's support is 1, widened when reducing
        var taps = new Taps[outSize];
        for (var i = 0; i < outSize; i++)
        {
            var centre = start + ((i + 0.5) * scale);
            var first = Math.Max(0, (int)Math.Floor(centre - support + 0.5));
            var last = Math.Min(inSize, (int)Math.Floor(centre + support + 0.5));
            if (last <= first)
            {
                // A box entirely outside the source: take the nearest edge pixel.
                first = Math.Clamp((int)Math.Floor(centre), 0, inSize - 1);
                last = first + 1;
            }

            var weights = new double[last - first];
            var sum = 0.0;
            for (var j = first; j < last; j++)
            {
                var w = Math.Max(0.0, 1.0 - Math.Abs((j + 0.5 - centre) / widen));
                weights[j - first] = w;
                sum += w;
            }

            if (sum > 0)
            {
                for (var k = 0; k < weights.Length; k++)
                {
                    weights[k] /= sum;
                }
            }
            else
            {
                Array.Fill(weights, 1.0 / weights.Length);
            }

            taps[i] = new Taps(first, weights);
        }

        return taps;
    }

    private readonly record struct Taps(int First, double[] Weights)
    {
        /// <summary>The weighted sum of source[(First + k) * stride].</summary>
        public float Apply(ReadOnlySpan<float> source, int stride)
        {
            var sum = 0.0;
            for (var k = 0; k < Weights.Length; k++)
            {
                sum += Weights[k] * source[(First + k) * stride];
            }

            return (float)sum;
        }
    }
}
