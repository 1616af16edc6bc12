using System.Diagnostics;
using System.Numerics.Tensors;

namespace Interpretability.Benchmarks;

/// <summary>
/// The CI smoke run: 28x28 image, 3x3 kernel, "same" padding; ours against the naive loop, then a
/// small layer through <see cref="Conv2DPlan"/> against the oracle. One line out, exit code 0 when
/// they agree.
/// </summary>
internal static class CiSmoke
{
    public static int Run()
    {
        const int size = 28, k = 3;
        var image = ImageData.Random(1, size * size);
        var kernel = ImageData.Random(2, k * k);
        var expected = new float[size * size];
        NaiveConvolution.Same(image, size, size, kernel, k, expected);

        var actual = Tensor.Create(new float[size * size], [size, size]);
        var stopwatch = Stopwatch.StartNew();
        Convolution.Convolve2D(Tensor.Create(image, [size, size]), Tensor.Create(kernel, [k, k]), actual, ConvolutionOptions.WithPadding(1));
        stopwatch.Stop();
        float error = MaxError(expected, actual);

        var input = Tensor.Create(ImageData.Random(3, 8 * 12 * 12), [8, 12, 12]);
        var weights = Tensor.Create(ImageData.Random(4, 16 * 8 * 3 * 3), [16, 8, 3, 3]);
        var layer = Convolution.Conv2D(input, weights, null, ConvolutionOptions.WithPadding(1));
        var layerExpected = new float[layer.FlattenedLength];
        ConvolutionReference.Conv2D(ImageData.Random(3, 8 * 12 * 12), 1, 8, 12, 12, ImageData.Random(4, 16 * 8 * 3 * 3), 16, 3, 3, [], ConvolutionOptions.WithPadding(1), layerExpected);
        float layerError = MaxError(layerExpected, layer);

        bool ok = error <= 1e-5f && layerError <= 1e-4f;
        Console.WriteLine($"ci-smoke: Convolve2D {size}x{size} {k}x{k} vs naive loop max error {error:G3}, Conv2D 8->16 12x12 3x3 vs oracle max error {layerError:G3}, SIMD {SimdWidths.Best}, first call {stopwatch.Elapsed.TotalMilliseconds:F1} ms: {(ok ? "OK" : "MISMATCH")}");
        return ok ? 0 : 1;
    }

    private static float MaxError(float[] expected, Tensor<float> actual)
    {
        var values = new float[actual.FlattenedLength];
        actual.FlattenTo(values);
        float max = 0;
        for (int i = 0; i < values.Length; i++)
        {
            max = MathF.Max(max, MathF.Abs(values[i] - expected[i]));
        }

        return values.Length == expected.Length ? max : float.PositiveInfinity;
    }
}
