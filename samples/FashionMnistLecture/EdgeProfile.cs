using System.Globalization;
using System.Numerics.Tensors;

namespace FashionMnistLecture;

/// <summary>
/// Which edges of an object a kernel's response emphasises, measured, not assumed: the image's own
/// gradient marks each pixel on a strong edge as a left, right, top or bottom edge of the object
/// (left: brighter to the right, so the object starts there), and the kernel's response is averaged
/// over each kind.
/// </summary>
/// <param name="Left">Mean response on the object's left edges.</param>
/// <param name="Right">Mean response on its right edges.</param>
/// <param name="Top">Mean response on its top edges.</param>
/// <param name="Bottom">Mean response on its bottom edges.</param>
/// <param name="Background">Mean response where the image is flat.</param>
public sealed record EdgeProfile(double Left, double Right, double Top, double Bottom, double Background)
{
    /// <summary>Measures the response of a valid or padded convolution of <paramref name="image"/> [H, W].</summary>
    /// <param name="image">The image, [H, W] in [0, 1].</param>
    /// <param name="response">The response, [OH, OW].</param>
    /// <param name="offsetY">Image row of response row 0 (kernel centre; 1 for a 3x3 kernel without padding).</param>
    /// <param name="offsetX">Image column of response column 0.</param>
    public static EdgeProfile Measure(Tensor<float> image, Tensor<float> response, int offsetY, int offsetX)
    {
        var height = (int)image.Lengths[0];
        var width = (int)image.Lengths[1];
        double[] sums = new double[5];
        int[] counts = new int[5];
        for (var y = 0; y < response.Lengths[0]; y++)
        {
            for (var x = 0; x < response.Lengths[1]; x++)
            {
                int iy = y + offsetY, ix = x + offsetX;
                if (iy < 1 || ix < 1 || iy >= height - 1 || ix >= width - 1)
                {
                    continue;
                }

                var dx = (image[iy, ix + 1] - image[iy, ix - 1]) / 2;
                var dy = (image[iy + 1, ix] - image[iy - 1, ix]) / 2;
                var kind = Math.Max(Math.Abs(dx), Math.Abs(dy)) < 0.15f ? 4
                    : Math.Abs(dx) >= Math.Abs(dy) ? (dx > 0 ? 0 : 1)
                    : (dy > 0 ? 2 : 3);
                sums[kind] += response[y, x];
                counts[kind]++;
            }
        }

        double Mean(int i) => counts[i] == 0 ? 0 : sums[i] / counts[i];
        return new EdgeProfile(Mean(0), Mean(1), Mean(2), Mean(3), Mean(4));
    }

    /// <summary>The four edge kinds with their mean responses.</summary>
    public IReadOnlyList<(string Edge, double Value)> Edges => [("left", Left), ("right", Right), ("top", Top), ("bottom", Bottom)];

    /// <summary>"+0.41", "-0.38", "+0.00" (never "-0.00").</summary>
    public static string FormatSigned(double value) => (Math.Round(value, 2) == 0 ? 0 : value).ToString("+0.00;-0.00", CultureInfo.InvariantCulture);

    /// <summary>"left +0.41, right -0.38, top +0.02, bottom -0.05 (flat areas +0.01)".</summary>
    public override string ToString() =>
        $"left {FormatSigned(Left)}, right {FormatSigned(Right)}, top {FormatSigned(Top)}, bottom {FormatSigned(Bottom)} (flat areas {FormatSigned(Background)})";
}
