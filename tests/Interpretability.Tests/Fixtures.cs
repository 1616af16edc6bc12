namespace Interpretability.Tests;

/// <summary>Small real data for the tests: Fashion-MNIST images and classic hand-made kernels.</summary>
internal static class Fixtures
{
    private static readonly Lazy<Tensor<float>> s_images = new(() => Idx.ReadImages(ImagesPath));

    public static string ImagesPath => TestPaths.Data("idx", "t10k-images-first16-idx3-ubyte.gz");

    public static string LabelsPath => TestPaths.Data("idx", "t10k-labels-first16-idx1-ubyte.gz");

    /// <summary>The first 16 labels of the Fashion-MNIST test set.</summary>
    public static int[] Labels { get; } = [9, 2, 1, 1, 6, 1, 4, 6, 5, 7, 4, 5, 7, 3, 4, 1];

    /// <summary>Test image <paramref name="index"/> (0 to 15) as [28, 28] in [0, 1].</summary>
    public static Tensor<float> FashionImage(int index)
    {
        var all = new float[s_images.Value.FlattenedLength];
        s_images.Value.FlattenTo(all);
        return Tensor.Create(all.AsSpan(index * 784, 784).ToArray(), [28, 28]);
    }

    public static Tensor<float> Map(int rows, int cols, params float[] values) => Tensor.Create(values, [rows, cols]);

    public static readonly float[] SobelX = [-1, 0, 1, -2, 0, 2, -1, 0, 1];
    public static readonly float[] SobelY = [-1, -2, -1, 0, 0, 0, 1, 2, 1];
    public static readonly float[] Laplacian = [0, 1, 0, 1, -4, 1, 0, 1, 0];
    public static readonly float[] Sharpen = [0, -1, 0, -1, 5, -1, 0, -1, 0];
    public static readonly float[] Box = [1 / 9f, 1 / 9f, 1 / 9f, 1 / 9f, 1 / 9f, 1 / 9f, 1 / 9f, 1 / 9f, 1 / 9f];

    /// <summary>[5, 1, 3, 3]: Sobel x, Sobel y, Laplacian, sharpen, box blur.</summary>
    public static Tensor<float> ClassicKernels() =>
        Tensor.Create([.. SobelX, .. SobelY, .. Laplacian, .. Sharpen, .. Box], [5, 1, 3, 3]);

    /// <summary>Cross-correlation with zero padding that keeps the size (what a CNN's Conv computes), for test pictures only.</summary>
    public static Tensor<float> ConvolveSame(Tensor<float> image, float[] kernel, int k = 3)
    {
        int rows = (int)image.Lengths[0], cols = (int)image.Lengths[1], pad = k / 2;
        var src = new float[rows * cols];
        image.FlattenTo(src);
        var dst = new float[rows * cols];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++)
            {
                var sum = 0f;
                for (var i = 0; i < k; i++)
                {
                    for (var j = 0; j < k; j++)
                    {
                        int y = r + i - pad, x = c + j - pad;
                        if (y >= 0 && y < rows && x >= 0 && x < cols)
                        {
                            sum += src[(y * cols) + x] * kernel[(i * k) + j];
                        }
                    }
                }

                dst[(r * cols) + c] = sum;
            }
        }

        return Tensor.Create(dst, [rows, cols]);
    }

    public static float[] Values(Tensor<float> t)
    {
        var a = new float[t.FlattenedLength];
        t.FlattenTo(a);
        return a;
    }
}
