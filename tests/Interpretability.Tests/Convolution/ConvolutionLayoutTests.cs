using static Interpretability.Tests.Convolution.ConvolutionOracle;

namespace Interpretability.Tests.Convolution;

/// <summary>Strided (non-dense) operands and destinations, and the span path's zero allocation.</summary>
public class ConvolutionLayoutTests
{
    public static TheoryData<int> Widths() => [.. SimdWidths.Supported.Select(w => (int)w)];

    /// <summary>The elements of a strided view, in row-major order.</summary>
    private static float[] Dense(float[] buffer, nint[] lengths, nint[] strides)
    {
        long count = 1;
        foreach (var l in lengths)
        {
            count *= l;
        }

        var values = new float[count];
        var index = new nint[lengths.Length];
        for (long i = 0; i < count; i++)
        {
            nint offset = 0;
            for (int d = 0; d < lengths.Length; d++)
            {
                offset += index[d] * strides[d];
            }

            values[i] = buffer[offset];
            for (int d = lengths.Length - 1; d >= 0 && ++index[d] == lengths[d]; d--)
            {
                index[d] = 0;
            }
        }

        return values;
    }

    public static TheoryData<string> Layouts() => ["row padding", "every other column", "channels last", "broadcast channel", "broadcast rows"];

    private static (nint[] Lengths, nint[] Strides, int Length) Layout(string name, int c, int h, int w) => name switch
    {
        "row padding" => ([c, h, w], [(h * (w + 7)) + 5, w + 7, 1], (c * ((h * (w + 7)) + 5)) + 1),
        "every other column" => ([c, h, w], [h * w * 2, w * 2, 2], c * h * w * 2),
        "channels last" => ([c, h, w], [1, w * c, c], c * h * w),
        "broadcast channel" => ([c, h, w], [0, w, 1], h * w),
        _ => ([c, h, w], [w, 0, 1], c * w),
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Convolve2D_ReadsStridedImagesAndKernelsAndWritesStridedDestinations(string layout)
    {
        // 3x3, and 5x5, whose small padded images are first copied into a zero-padded buffer.
        foreach (var (width, k) in SimdWidths.Supported.SelectMany(width => new[] { (width, 3), (width, 5) }))
        {
            var random = new Random(30);
            const int c = 3, h = 19, w = 37;
            var (lengths, strides, length) = Layout(layout, c, h, w);
            var buffer = Random(random, length);
            var image = new ReadOnlyTensorSpan<float>(buffer, lengths, strides);

            // Kernel stored transposed: element [c, ky, kx] at c * k * k + kx * k + ky.
            var kernelBuffer = Random(random, c * k * k);
            nint[] kernelLengths = [c, k, k], kernelStrides = [k * k, 1, k];
            var kernel = new ReadOnlyTensorSpan<float>(kernelBuffer, kernelLengths, kernelStrides);

            foreach (var options in new[] { ConvolutionOptions.Default, ConvolutionOptions.WithPadding(k / 2), new ConvolutionOptions { Strides = (2, 2), Pads = (0, 1, 2, 0) } })
            {
                var g = Interpretability.Convolution.Errors.CheckConvolve2D(image.Lengths, kernel.Lengths, options, out int channels);
                int oh = g.OutputHeight, ow = g.OutputWidth;

                // Destination: every other column of rows padded by 3, NaN in the gaps, which must survive.
                var destinationBuffer = new float[oh * ((ow * 2) + 3)];
                Array.Fill(destinationBuffer, float.NaN);
                nint[] destinationLengths = [oh, ow], destinationStrides = [(ow * 2) + 3, 2];
                var destination = new TensorSpan<float>(destinationBuffer, destinationLengths, destinationStrides);

                Interpretability.Convolution.Convolve2DCore(width, image, kernel, destination, g, channels, 0.5f);

                var (expected, magnitude) = ConvolutionOracle.Conv2D(Dense(buffer, lengths, strides), 1, c, h, w, Dense(kernelBuffer, kernelLengths, kernelStrides), 1, k, k, [0.5f], options);
                AssertClose(expected, magnitude, Dense(destinationBuffer, destinationLengths, destinationStrides), $"{width} {layout} {k}x{k} {Describe(options)}");
                Assert.Equal(destinationBuffer.Length - (oh * ow), destinationBuffer.Count(float.IsNaN));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Conv2DPlan_ReadsStridedInputsAndWritesStridedDestinations(string layout)
    {
        var random = new Random(31);
        const int c = 3, h = 21, w = 26, o = 10;
        var (lengths, strides, length) = Layout(layout, c, h, w);
        var buffer = Random(random, length);
        var weights = RandomTensor(random, o, c, 3, 3);
        var bias = RandomTensor(random, o);
        foreach (var width in SimdWidths.Supported)
        {
            foreach (var options in new[] { ConvolutionOptions.WithPadding(1), new ConvolutionOptions { Strides = (2, 1) } })
            {
                var plan = new Conv2DPlan(weights, bias, options, width);
                var shape = plan.GetOutputShape(lengths);
                nint[] destinationStrides = [shape[1] * shape[2] * 2, shape[2] * 2, 2];
                var destinationBuffer = new float[shape[0] * shape[1] * shape[2] * 2];
                plan.Run(new ReadOnlyTensorSpan<float>(buffer, lengths, strides), new TensorSpan<float>(destinationBuffer, shape, destinationStrides));

                var (expected, magnitude) = ConvolutionOracle.Conv2D(Dense(buffer, lengths, strides), 1, c, h, w, Flatten(weights), o, 3, 3, Flatten(bias), options);
                AssertClose(expected, magnitude, Dense(destinationBuffer, shape, destinationStrides), $"{width} {plan.Algorithm} {layout} {Describe(options)}");
            }
        }

        // A 1x1 layer on a strided input cannot read in place: it packs, and still matches.
        var pointwiseWeights = RandomTensor(random, o, c, 1, 1);
        var pointwise = new Conv2DPlan(pointwiseWeights, null, null);
        Assert.Equal(Conv2DAlgorithm.Pointwise, pointwise.Algorithm);
        var result = pointwise.Run(Tensor.Create(buffer, lengths, strides));
        var (e, m) = ConvolutionOracle.Conv2D(Dense(buffer, lengths, strides), 1, c, h, w, Flatten(pointwiseWeights), o, 1, 1, null, ConvolutionOptions.Default);
        AssertClose(e, m, Flatten(result), $"pointwise {layout}");
    }

    [Fact]
    public void Convolve2D_SpanPathAllocatesNothing()
    {
        var random = new Random(32);
        var options = ConvolutionOptions.WithPadding(1);
        var padded5 = ConvolutionOptions.WithPadding(2); // 5x5 at 28x28: a zero-padded copy and, at full-rate AVX-512, eight-row blocks
        var strided = new ConvolutionOptions { Strides = (2, 2), Dilations = (2, 1), Pads = (1, 2, 0, 1) };
        float[] image28 = Random(random, 28 * 28), kernel3 = Random(random, 9), out28 = new float[28 * 28];
        float[] image224 = Random(random, 3 * 224 * 224), kernel5 = Random(random, 3 * 25), out224 = new float[224 * 224];
        float[] outStrided = new float[1000];
        var g = Interpretability.Convolution.Errors.CheckConvolve2D([28, 28], [3, 3], strided, out _);
        nint[] stridedLengths = [g.OutputHeight, g.OutputWidth], stridedStrides = [g.OutputWidth * 2, 2];

        for (int round = 0; round < 2; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++)
            {
                Interpretability.Convolution.Convolve2D(new ReadOnlyTensorSpan<float>(image28, [28, 28]), new ReadOnlyTensorSpan<float>(kernel3, [3, 3]), new TensorSpan<float>(out28, [28, 28]), options);
                Interpretability.Convolution.Convolve2D(new ReadOnlyTensorSpan<float>(image28, [28, 28]), new ReadOnlyTensorSpan<float>(kernel3, [3, 3]), new TensorSpan<float>(out28, [26, 26]));
                Interpretability.Convolution.Convolve2D(new ReadOnlyTensorSpan<float>(image224, [3, 224, 224]), new ReadOnlyTensorSpan<float>(kernel5, [3, 5, 5]), new TensorSpan<float>(out224, [224, 224]), ConvolutionOptions.Same, 1f);
                Interpretability.Convolution.Convolve2D(new ReadOnlyTensorSpan<float>(image28, [28, 28]), new ReadOnlyTensorSpan<float>(kernel3, [3, 3], [1, 3]), new TensorSpan<float>(outStrided, stridedLengths, stridedStrides), strided);
                Interpretability.Convolution.Convolve2D(new ReadOnlyTensorSpan<float>(image28, [28, 28]), new ReadOnlyTensorSpan<float>(kernel5, [5, 5]), new TensorSpan<float>(out28, [28, 28]), padded5);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (round == 1)
            {
                Assert.Equal(0, allocated);
            }
        }
    }

    [Fact]
    public void Conv2DPlan_SingleThreadedSpanRunAllocatesNothing()
    {
        var random = new Random(33);
        float[] input = Random(random, 2 * 8 * 20 * 20), output = new float[2 * 16 * 20 * 20], depthwiseOutput = new float[2 * 8 * 20 * 20], pointwiseOutput = new float[2 * 16 * 20 * 20];
        var packed = new Conv2DPlan(RandomTensor(random, 16, 8, 3, 3), RandomTensor(random, 16), ConvolutionOptions.WithPadding(1)) { MaxDegreeOfParallelism = 1 };
        var depthwise = new Conv2DPlan(RandomTensor(random, 8, 1, 3, 3), null, ConvolutionOptions.WithPadding(1) with { Group = 8 }) { MaxDegreeOfParallelism = 1 };
        var pointwise = new Conv2DPlan(RandomTensor(random, 16, 8, 1, 1), null, null) { MaxDegreeOfParallelism = 1 };
        for (int round = 0; round < 2; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            packed.Run(new ReadOnlyTensorSpan<float>(input, [2, 8, 20, 20]), new TensorSpan<float>(output, [2, 16, 20, 20]));
            depthwise.Run(new ReadOnlyTensorSpan<float>(input, [2, 8, 20, 20]), new TensorSpan<float>(depthwiseOutput, [2, 8, 20, 20]));
            pointwise.Run(new ReadOnlyTensorSpan<float>(input, [2, 8, 20, 20]), new TensorSpan<float>(pointwiseOutput, [2, 16, 20, 20]));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (round == 1)
            {
                Assert.Equal(0, allocated);
            }
        }
    }
}
