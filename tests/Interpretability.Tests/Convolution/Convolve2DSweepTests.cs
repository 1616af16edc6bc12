using static Interpretability.Tests.Convolution.ConvolutionOracle;

namespace Interpretability.Tests.Convolution;

/// <summary>
/// A randomised sweep of <c>Convolve2D</c> against the scalar oracle, reaching the paths the
/// targeted tests reach one at a time, in combination: whole-row 3x3 blocks (rows of 96 and more,
/// aligned inner blocks from 512), summed channels, four-row blocks of 5x5 and 7x7, the pad copy
/// of small images, strided and dilated rows, both column orders, padded rows in the source and in
/// the destination. The destination sits inside a buffer of NaN, so a write outside it (before,
/// after, or in the gap between its rows) fails the test.
/// </summary>
public class Convolve2DSweepTests
{
    public static TheoryData<int> Widths() => [.. SimdWidths.Supported.Select(w => (int)w)];

    /// <summary>Row widths around the thresholds the kernels switch at (vector multiples, 96, 128, 512, 1024).</summary>
    private static readonly (int Min, int Max)[] WidthRanges = [(1, 40), (44, 70), (90, 140), (200, 260), (500, 560), (1000, 1040)];

    [Theory]
    [MemberData(nameof(Widths))]
    public void Convolve2D_MatchesOracleOnRandomShapesAcrossEveryPath(int lanes) =>
        Sweep((SimdWidth)lanes, new Random(2026 + lanes), 250);

    /// <summary>
    /// <paramref name="count"/> random cases at <paramref name="width"/> (<see cref="NextShape"/>), each
    /// against the oracle, with padded source and destination rows, strided columns, both column
    /// orders and a NaN guard around the destination.
    /// </summary>
    internal static unsafe void Sweep(SimdWidth width, Random random, int count)
    {
        int cases = 0;
        while (cases < count)
        {
            if (!NextShape(random, out int channels, out int h, out int w, out int kh, out int kw, out var options, out int oh, out int ow))
            {
                continue;
            }

            // Source rows padded (or every other column) one time in four; destination rows padded one time in four.
            int sourcePitch = random.Next(4) == 0 ? w + random.Next(1, 40) : w;
            int sourceColumnStride = random.Next(8) == 0 ? 2 : 1;
            if (sourceColumnStride == 2)
            {
                sourcePitch = Math.Max(sourcePitch, 2 * w);
            }

            int destinationPitch = random.Next(4) == 0 ? ow + random.Next(1, 40) : ow;
            int columnOrder = random.Next(-1, 2);
            float bias = (float)((random.NextDouble() * 2) - 1);

            var image = Random(random, (long)channels * h * w);
            var kernel = Random(random, (long)channels * kh * kw);
            var (expected, magnitude) = ConvolutionOracle.Conv2D(image, 1, channels, h, w, kernel, 1, kh, kw, [bias], options);

            long plane = (long)h * sourcePitch;
            var source = new float[channels * plane];
            for (int c = 0; c < channels; c++)
            {
                for (int y = 0; y < h; y++)
                {
                    for (int x = 0; x < w; x++)
                    {
                        source[(c * plane) + ((long)y * sourcePitch) + ((long)x * sourceColumnStride)] = image[(((long)c * h) + y) * w + x];
                    }
                }
            }

            const int guard = 64;
            var buffer = new float[guard + ((long)oh * destinationPitch) + guard];
            Array.Fill(buffer, float.NaN);
            string context = $"{width} C={channels} {h}x{w} kernel {kh}x{kw} {Describe(options)} order {columnOrder} source pitch {sourcePitch} column stride {sourceColumnStride} destination pitch {destinationPitch}";

            var g = Interpretability.Convolution.Errors.CheckConvolve2D(channels == 1 ? [h, w] : [channels, h, w], channels == 1 ? [kh, kw] : [channels, kh, kw], options, out int checkedChannels);
            fixed (float* s = source)
            fixed (float* k = kernel)
            fixed (float* d = buffer)
            {
                var imageSpan = channels == 1
                    ? new ReadOnlyTensorSpan<float>(s, source.Length, [h, w], [Stride(h, sourcePitch), Stride(w, sourceColumnStride)])
                    : new ReadOnlyTensorSpan<float>(s, source.Length, [channels, h, w], [(nint)plane, Stride(h, sourcePitch), Stride(w, sourceColumnStride)]);
                var kernelSpan = channels == 1
                    ? new ReadOnlyTensorSpan<float>(k, kernel.Length, [kh, kw], default)
                    : new ReadOnlyTensorSpan<float>(k, kernel.Length, [channels, kh, kw], default);
                var destination = new TensorSpan<float>(d + guard, buffer.Length - (2 * guard), [oh, ow], [Stride(oh, destinationPitch), Stride(ow, 1)]);
                Interpretability.Convolution.Convolve2DCore(width, imageSpan, kernelSpan, destination, g, checkedChannels, bias, columnOrder: columnOrder);
            }

            var actual = new float[(long)oh * ow];
            for (int y = 0; y < oh; y++)
            {
                Array.Copy(buffer, guard + ((long)y * destinationPitch), actual, (long)y * ow, ow);
                for (int x = ow; x < destinationPitch; x++)
                {
                    Assert.True(float.IsNaN(buffer[guard + ((long)y * destinationPitch) + x]), $"{context}: wrote past the end of row {y}");
                }
            }

            AssertClose(expected, magnitude, actual, context);
            Assert.True(buffer.AsSpan(0, guard).ToArray().All(float.IsNaN), $"{context}: wrote before the destination");
            Assert.True(buffer.AsSpan(buffer.Length - guard).ToArray().All(float.IsNaN), $"{context}: wrote past the destination");
            cases++;
        }
    }

    /// <summary>
    /// A random operand shape for the sweeps: mostly the square kernels with specialised paths at unit
    /// strides and dilations, a third of the time any options; rows from <see cref="WidthRanges"/>.
    /// False when the options leave no output.
    /// </summary>
    internal static bool NextShape(Random random, out int channels, out int h, out int w, out int kh, out int kw, out ConvolutionOptions options, out int oh, out int ow)
    {
        bool fast = random.Next(3) != 0;
        if (random.Next(4) != 0)
        {
            kh = kw = (random.Next(3) * 2) + 3;
        }
        else
        {
            (kh, kw) = (random.Next(1, 8), random.Next(1, 8));
        }

        var range = WidthRanges[random.Next(WidthRanges.Length)];
        w = random.Next(range.Min, range.Max + 1);
        h = random.Next(1, Math.Max(2, Math.Min(48, 600_000 / (w * kh * kw))));
        channels = random.Next(4) == 0 ? random.Next(2, 5) : 1;
        options = fast
            ? new ConvolutionOptions { Pads = random.Next(3) == 0 ? (kh / 2, kw / 2, kh / 2, kw / 2) : (random.Next(0, kh), random.Next(0, kw), random.Next(0, kh), random.Next(0, kw)) }
            : RandomOptions(random);
        (oh, ow) = options.GetOutputSize(h, w, kh, kw);
        return oh >= 1 && ow >= 1;
    }

    /// <summary>The stride of a dimension: System.Numerics.Tensors rejects a nonzero stride on a dimension of length 1.</summary>
    private static nint Stride(int length, int stride) => length == 1 ? 0 : stride;
}
