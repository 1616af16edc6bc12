namespace Interpretability.Tests.Convolution;

/// <summary>Random operands with fixed seeds, the scalar oracle, and the magnitude-scaled comparison.</summary>
internal static class ConvolutionOracle
{
    /// <summary>Relative tolerance: a float sum of K products is within about K * 2^-24 of the exact sum, relative to the sum of magnitudes; 1e-5 covers K up to ~170 in the worst case and any K in practice.</summary>
    public const float Relative = 1e-5f;

    /// <summary>Absolute floor, for outputs whose receptive field is all padding.</summary>
    public const float Tiny = 1e-7f;

    public static float[] Random(Random random, long length)
    {
        var values = new float[length];
        for (long i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }

    /// <summary>Strides and dilations 1 to 3, pads 0 to 3 on each side, any auto_pad.</summary>
    public static ConvolutionOptions RandomOptions(Random random) => new()
    {
        Strides = (random.Next(1, 4), random.Next(1, 4)),
        Dilations = (random.Next(1, 4), random.Next(1, 4)),
        Pads = (random.Next(0, 4), random.Next(0, 4), random.Next(0, 4), random.Next(0, 4)),
        AutoPad = (AutoPad)random.Next(0, 4),
    };

    public static Tensor<float> RandomTensor(Random random, params nint[] lengths)
    {
        long length = 1;
        foreach (var l in lengths)
        {
            length *= l;
        }

        return Tensor.Create(Random(random, length), lengths);
    }

    /// <summary>The oracle's output and magnitudes for a dense Conv layer.</summary>
    public static (float[] Expected, float[] Magnitude) Conv2D(float[] input, int batch, int channels, int height, int width, float[] weights, int outputs, int kh, int kw, float[]? bias, ConvolutionOptions options)
    {
        var (oh, ow) = options.GetOutputSize(height, width, kh, kw);
        var expected = new float[(long)batch * outputs * oh * ow];
        var magnitude = new float[expected.Length];
        ConvolutionReference.Conv2D(input, batch, channels, height, width, weights, outputs, kh, kw, bias ?? [], options, expected, magnitude);
        return (expected, magnitude);
    }

    /// <summary>Fails with the first element outside <c>|a - e| &lt;= Relative * magnitude + Tiny</c>.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> magnitude, ReadOnlySpan<float> actual, string context)
    {
        Assert.True(expected.Length == actual.Length, $"{context}: {actual.Length} values, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            float tolerance = (Relative * magnitude[i]) + Tiny;
            float error = MathF.Abs(actual[i] - expected[i]);
            if (!(error <= tolerance))
            {
                Assert.Fail($"{context}: element {i} is {actual[i]}, expected {expected[i]} (error {error}, tolerance {tolerance})");
            }
        }
    }

    public static float[] Flatten(Tensor<float> tensor)
    {
        var values = new float[tensor.FlattenedLength];
        tensor.FlattenTo(values);
        return values;
    }

    public static string Describe(ConvolutionOptions o) =>
        $"strides {o.Strides} pads {o.Pads} dilations {o.Dilations} group {o.Group} autoPad {o.AutoPad}";
}
