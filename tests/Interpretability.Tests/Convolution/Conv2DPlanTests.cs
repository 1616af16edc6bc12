using static Interpretability.Tests.Convolution.ConvolutionOracle;

namespace Interpretability.Tests.Convolution;

public class Conv2DPlanTests
{
    public static TheoryData<int> Widths() => [.. SimdWidths.Supported.Select(w => (int)w)];

    internal static Conv2DPlan Check(SimdWidth width, Random random, int batch, int channels, int h, int w, int outputs, int kh, int kw, ConvolutionOptions options, bool withBias = true, bool batchRank = true)
    {
        var input = batchRank ? RandomTensor(random, batch, channels, h, w) : RandomTensor(random, channels, h, w);
        var weights = RandomTensor(random, outputs, channels / options.Group, kh, kw);
        var bias = withBias ? RandomTensor(random, outputs) : null;
        var (expected, magnitude) = ConvolutionOracle.Conv2D(Flatten(input), batch, channels, h, w, Flatten(weights), outputs, kh, kw, bias is null ? null : Flatten(bias), options);
        var plan = new Conv2DPlan(weights, bias, options, width);
        var result = plan.Run(input);
        AssertClose(expected, magnitude, Flatten(result), $"{width} {plan.Algorithm} N={batch} C={channels} {h}x{w} O={outputs} kernel {kh}x{kw} {Describe(options)}");
        return plan;
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Run_MatchesOracleForRandomLayers(int lanes)
    {
        var width = (SimdWidth)lanes;
        var random = new Random(10);
        var seen = new HashSet<Conv2DAlgorithm>();
        int done = 0;
        while (done < 150)
        {
            int group = random.Next(1, 4);
            int channels = group * random.Next(1, 5), outputs = group * random.Next(1, 12);
            int h = random.Next(1, 40), w = random.Next(1, 40), kh = random.Next(1, 6), kw = random.Next(1, 6);
            var options = new ConvolutionOptions
            {
                Strides = (random.Next(1, 4), random.Next(1, 4)),
                Dilations = (random.Next(1, 4), random.Next(1, 4)),
                Pads = (random.Next(0, 3), random.Next(0, 3), random.Next(0, 3), random.Next(0, 3)),
                AutoPad = (AutoPad)random.Next(0, 4),
                Group = group,
            };
            var (oh, ow) = options.GetOutputSize(h, w, kh, kw);
            if (oh < 1 || ow < 1)
            {
                continue;
            }

            seen.Add(Check(width, random, random.Next(1, 3), channels, h, w, outputs, kh, kw, options, withBias: random.Next(2) == 0).Algorithm);
            done++;
        }

        Assert.Contains(Conv2DAlgorithm.Depthwise, seen);
        Assert.Contains(Conv2DAlgorithm.Packed, seen);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Run_MatchesOracleForDepthwiseAndChannelMultipliers(int lanes)
    {
        var random = new Random(11);
        foreach (int multiplier in new[] { 1, 2, 3, 4, 5, 8, 17 })
        {
            foreach (var options in new[] { ConvolutionOptions.WithPadding(1), new ConvolutionOptions { Strides = (2, 2), Pads = (1, 0, 2, 1) }, new ConvolutionOptions { Dilations = (2, 3), AutoPad = AutoPad.SameLower } })
            {
                var plan = Check((SimdWidth)lanes, random, 1, 6, 23, 37, 6 * multiplier, 3, 3, options with { Group = 6 });
                Assert.Equal(multiplier <= Conv2DPlan.DepthwiseMaxOutputsPerGroup ? Conv2DAlgorithm.Depthwise : Conv2DAlgorithm.Packed, plan.Algorithm);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Run_MatchesOracleForPointwise(int lanes)
    {
        var random = new Random(12);
        // Output channels around the 8-channel block, planes smaller and larger than one 48-position block.
        foreach (var (h, w) in new[] { (1, 1), (3, 5), (7, 7), (6, 8), (9, 11), (28, 28), (13, 31) })
        {
            foreach (int outputs in new[] { 1, 7, 8, 9, 16, 17 })
            {
                var plan = Check((SimdWidth)lanes, random, 2, 5, h, w, outputs, 1, 1, ConvolutionOptions.Default);
                Assert.Equal(Conv2DAlgorithm.Pointwise, plan.Algorithm);
            }
        }

        Check((SimdWidth)lanes, random, 1, 4, 9, 9, 10, 1, 1, new ConvolutionOptions { Group = 2 });
        Check((SimdWidth)lanes, random, 1, 4, 9, 9, 10, 1, 1, new ConvolutionOptions { Strides = (2, 1) });
        Check((SimdWidth)lanes, random, 1, 4, 9, 9, 10, 1, 1, ConvolutionOptions.WithPadding(1));
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Run_MatchesOracleForTheBenchmarkShapesScaledDown(int lanes)
    {
        var random = new Random(13);
        var width = (SimdWidth)lanes;
        Check(width, random, 1, 1, 30, 30, 16, 5, 5, ConvolutionOptions.WithPadding(2), batchRank: false);
        Check(width, random, 1, 3, 32, 32, 64, 7, 7, new ConvolutionOptions { Strides = (2, 2), Pads = (3, 3, 3, 3) }, batchRank: false);
        Check(width, random, 1, 16, 14, 14, 24, 3, 3, ConvolutionOptions.WithPadding(1), batchRank: false);
        Check(width, random, 1, 16, 14, 14, 16, 3, 3, ConvolutionOptions.WithPadding(1) with { Group = 16 }, batchRank: false);
        Check(width, random, 1, 32, 14, 14, 16, 1, 1, ConvolutionOptions.Default, batchRank: false);
    }

    [Fact]
    public void Run_MatchesOracleWhenSplitAcrossThreads()
    {
        // A threshold of one multiply-add per worker forces every algorithm onto several threads.
        var random = new Random(14);
        foreach (var (channels, outputs, k, group, options) in new[]
        {
            (8, 20, 3, 1, ConvolutionOptions.WithPadding(1)),
            (6, 6, 3, 6, ConvolutionOptions.WithPadding(1)),
            (6, 12, 5, 6, new ConvolutionOptions { Strides = (2, 2) }),
            (16, 10, 1, 2, ConvolutionOptions.Default),
        })
        {
            var input = RandomTensor(random, 2, channels, 19, 23);
            var weights = RandomTensor(random, outputs, channels / group, k, k);
            var bias = RandomTensor(random, outputs);
            var o = options with { Group = group };
            var (expected, magnitude) = ConvolutionOracle.Conv2D(Flatten(input), 2, channels, 19, 23, Flatten(weights), outputs, k, k, Flatten(bias), o);
            var plan = new Conv2DPlan(weights, bias, o) { MaxDegreeOfParallelism = 3, ParallelThreshold = 1 };
            AssertClose(expected, magnitude, Flatten(plan.Run(input)), $"parallel {plan.Algorithm} {Describe(o)}");
        }
    }

    [Fact]
    public void Run_EveryForcedAlgorithmMatchesOracle()
    {
        var random = new Random(15);
        foreach (var (channels, outputs, k, group, options, algorithms) in new[]
        {
            (1, 16, 5, 1, ConvolutionOptions.WithPadding(2), new[] { Conv2DAlgorithm.Depthwise, Conv2DAlgorithm.Packed }),
            (8, 24, 3, 8, ConvolutionOptions.WithPadding(1), new[] { Conv2DAlgorithm.Depthwise, Conv2DAlgorithm.Packed }),
            (12, 10, 1, 1, ConvolutionOptions.Default, new[] { Conv2DAlgorithm.Pointwise, Conv2DAlgorithm.Packed }),
        })
        {
            var input = RandomTensor(random, 1, channels, 30, 31);
            var weights = RandomTensor(random, outputs, channels / group, k, k);
            var o = options with { Group = group };
            var (expected, magnitude) = ConvolutionOracle.Conv2D(Flatten(input), 1, channels, 30, 31, Flatten(weights), outputs, k, k, null, o);
            foreach (var algorithm in algorithms)
            {
                var plan = new Conv2DPlan(weights, null, o, algorithm: algorithm);
                Assert.Equal(algorithm, plan.Algorithm);
                AssertClose(expected, magnitude, Flatten(plan.Run(input)), $"forced {algorithm} {Describe(o)}");
            }
        }

        Assert.Throws<ArgumentException>(() => new Conv2DPlan(RandomTensor(random, 4, 2, 3, 3), null, null, algorithm: Conv2DAlgorithm.Depthwise));
        Assert.Throws<ArgumentException>(() => new Conv2DPlan(RandomTensor(random, 4, 2, 3, 3), null, null, algorithm: Conv2DAlgorithm.Pointwise));
    }
}
