using static Interpretability.Tests.Convolution.ConvolutionOracle;

namespace Interpretability.Tests.Convolution;

/// <summary>
/// Reads and writes stay inside the operands: images, kernels and destinations placed flush against
/// an inaccessible page (<see cref="GuardedBuffer"/>), before their first float or after their last,
/// so a vector load or store that strays past either end crashes the run. The kernels' end vectors
/// and blocks overlap and mask their way to the row ends; this is what keeps them from touching
/// memory beyond the operand, which in a caller's native or memory-mapped buffer may not exist.
/// </summary>
public class ConvolutionBoundsTests
{
    public static TheoryData<int> Widths() => [.. SimdWidths.Supported.Select(w => (int)w)];

    [GuardPagesTheory]
    [MemberData(nameof(Widths))]
    public unsafe void Convolve2D_TouchesNothingOutsideItsOperands(int lanes)
    {
        var width = (SimdWidth)lanes;
        var random = new Random(4242 + lanes);
        int cases = 0;
        while (cases < 120)
        {
            if (!Convolve2DSweepTests.NextShape(random, out int channels, out int h, out int w, out int kh, out int kw, out var options, out int oh, out int ow))
            {
                continue;
            }

            var image = Random(random, (long)channels * h * w);
            var kernel = Random(random, (long)channels * kh * kw);
            float bias = (float)random.NextDouble();
            var (expected, magnitude) = ConvolutionOracle.Conv2D(image, 1, channels, h, w, kernel, 1, kh, kw, [bias], options);
            var g = Interpretability.Convolution.Errors.CheckConvolve2D(channels == 1 ? [h, w] : [channels, h, w], channels == 1 ? [kh, kw] : [channels, kh, kw], options, out int checkedChannels);
            long outputs = (long)oh * ow;

            // Each operand flush against the guard after it, then against the guard before it.
            foreach (bool atEnd in new[] { true, false })
            {
                using var imageBuffer = new GuardedBuffer(image.Length);
                using var kernelBuffer = new GuardedBuffer(kernel.Length);
                using var outputBuffer = new GuardedBuffer(outputs);
                float* src = atEnd ? imageBuffer.End - image.Length : imageBuffer.Start;
                float* k = atEnd ? kernelBuffer.End - kernel.Length : kernelBuffer.Start;
                float* dst = atEnd ? outputBuffer.End - outputs : outputBuffer.Start;
                image.CopyTo(new Span<float>(src, image.Length));
                kernel.CopyTo(new Span<float>(k, kernel.Length));

                var imageSpan = channels == 1
                    ? new ReadOnlyTensorSpan<float>(src, image.Length, [h, w], default)
                    : new ReadOnlyTensorSpan<float>(src, image.Length, [channels, h, w], default);
                var kernelSpan = channels == 1
                    ? new ReadOnlyTensorSpan<float>(k, kernel.Length, [kh, kw], default)
                    : new ReadOnlyTensorSpan<float>(k, kernel.Length, [channels, kh, kw], default);
                var destination = new TensorSpan<float>(dst, (nint)outputs, [oh, ow], default);
                Interpretability.Convolution.Convolve2DCore(width, imageSpan, kernelSpan, destination, g, checkedChannels, bias);

                AssertClose(expected, magnitude, new ReadOnlySpan<float>(dst, (int)outputs), $"{width} C={channels} {h}x{w} kernel {kh}x{kw} {Describe(options)} {(atEnd ? "at the end" : "at the start")}");
            }

            cases++;
        }
    }

    [GuardPagesTheory]
    [MemberData(nameof(Widths))]
    public unsafe void Conv2DPlan_TouchesNothingOutsideItsOperands(int lanes)
    {
        // Every algorithm (depthwise, pointwise, packed), unit strides and not, input and output flush
        // against the guards, with square kernels and pads that reach the padded-plane copies.
        var width = (SimdWidth)lanes;
        var random = new Random(4343 + lanes);
        var seen = new HashSet<Conv2DAlgorithm>();
        int cases = 0;
        while (cases < 90)
        {
            int kind = cases % 3;
            int group = kind == 0 ? random.Next(1, 9) : 1;
            int channels = kind == 0 ? group : random.Next(1, 9), outputs = kind == 0 ? group * random.Next(1, 3) : random.Next(1, 20);
            int k = kind == 1 ? 1 : random.Next(1, 8);
            int h = random.Next(1, 40), w = random.Next(1, 80);
            var options = kind == 1
                ? new ConvolutionOptions()
                : random.Next(2) == 0 ? new ConvolutionOptions { Pads = (k / 2, k / 2, k / 2, k / 2), Group = group } : RandomOptions(random) with { Group = group };
            var (oh, ow) = options.GetOutputSize(h, w, k, k);
            if (oh < 1 || ow < 1)
            {
                continue;
            }

            int batch = random.Next(1, 3);
            var input = Random(random, (long)batch * channels * h * w);
            var weights = RandomTensor(random, outputs, channels / group, k, k);
            var bias = RandomTensor(random, outputs);
            var (expected, magnitude) = ConvolutionOracle.Conv2D(input, batch, channels, h, w, Flatten(weights), outputs, k, k, Flatten(bias), options);
            var plan = new Conv2DPlan(weights, bias, options, width);
            seen.Add(plan.Algorithm);
            long outputLength = (long)batch * outputs * oh * ow;
            foreach (bool atEnd in new[] { true, false })
            {
                using var inputBuffer = new GuardedBuffer(input.Length);
                using var outputBuffer = new GuardedBuffer(outputLength);
                float* src = atEnd ? inputBuffer.End - input.Length : inputBuffer.Start;
                float* dst = atEnd ? outputBuffer.End - outputLength : outputBuffer.Start;
                input.CopyTo(new Span<float>(src, input.Length));
                plan.Run(new ReadOnlyTensorSpan<float>(src, input.Length, [batch, channels, h, w], default), new TensorSpan<float>(dst, (nint)outputLength, [batch, outputs, oh, ow], default));
                AssertClose(expected, magnitude, new ReadOnlySpan<float>(dst, (int)outputLength), $"{width} {plan.Algorithm} N={batch} C={channels} {h}x{w} O={outputs} kernel {k}x{k} {Describe(options)} {(atEnd ? "at the end" : "at the start")}");
            }

            cases++;
        }

        Assert.Equal(3, seen.Count);
    }
}

/// <summary>A theory skipped where <see cref="GuardedBuffer"/> cannot map guard pages.</summary>
internal sealed class GuardPagesTheoryAttribute : TheoryAttribute
{
    public GuardPagesTheoryAttribute()
    {
        if (!GuardedBuffer.Supported)
        {
            Skip = "Guard pages need Linux (mmap and mprotect).";
        }
    }
}
