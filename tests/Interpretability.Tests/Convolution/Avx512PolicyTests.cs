using System.Runtime.Intrinsics.X86;
using static Interpretability.Tests.Convolution.ConvolutionOracle;

namespace Interpretability.Tests.Convolution;

/// <summary>
/// Runs the randomised sweep under both AVX-512 policies (<see cref="SimdWidths.FullRate512"/>), so
/// that the rows each one sends to AVX-512 or AVX2 are checked on every machine, not only the
/// policy its own FMA units pick. The policy is process-wide, so these tests run alone.
/// </summary>
[Collection(nameof(Avx512PolicyTests))]
[CollectionDefinition(nameof(Avx512PolicyTests), DisableParallelization = true)]
public class Avx512PolicyTests
{
    [Avx512Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Convolve2D_MatchesOracleUnderEitherPolicy(bool fullRate512)
    {
        AtFullRate(fullRate512, () =>
        {
            Convolve2DSweepTests.Sweep(SimdWidth.Vector512, new Random(fullRate512 ? 7 : 8), 250);
        });
    }

    [Avx512Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1)]
    public void Convolve2D_EightRowBlocksMatchOracle(int columnOrder)
    {
        // Full-rate AVX-512 runs 5x5 and 7x7 on padded planes eight rows at a time (Convolution.UsesOct):
        // edges on both sides, on one side (asymmetric pads) or none; 32-column blocks with 0, 16 to 31
        // and 32 to 47 columns left for the four-row blocks; heights with an odd quad and leftover rows;
        // several channels (accumulating); rows 4 KB apart, which keep the four-row blocks; the widest
        // row that takes them and one past it. Taller bands where they fit (OctBandRows): 5x5 runs 24
        // or twelve rows in twelve-row blocks (Dodec5x5Blocks512), 7x7 forty in ten-row blocks
        // (Deca7x7Blocks512). Output heights, 5x5: 16 (twelve, a quad), 23 (twelve, eight, three
        // left), 26 (24, two left), 35 (24, eight, three left), 46 (24, twelve, eight, two left), 60
        // (two of 24, twelve), 90 (three of 24, twelve, a quad, two left). 7x7: 44 (forty, a quad),
        // 58 (forty, two of eight, two left), 88 (two of forty, eight).
        AtFullRate(true, () =>
        {
            var random = new Random(71 + columnOrder);
            foreach (int k in new[] { 5, 7 })
            {
                foreach (int w in new[] { 84, 96, 110, 128, 150, 224, 1024, 1600, 1601 })
                {
                    foreach (var (h, pads) in new[] { (8, (3, 3, 3, 3)), (21, (3, 3, 3, 3)), (19, (2, 0, 1, 3)), (17, (1, 3, 2, 0)), (30, (0, 0, 0, 0)), (12, (2, 2, 2, 2)), (36, (2, 0, 1, 3)), (44, (3, 3, 3, 3)), (61, (1, 3, 2, 0)), (88, (3, 3, 3, 3)) })
                    {
                        var options = new ConvolutionOptions { Pads = pads };
                        foreach (int channels in new[] { 1, 2 })
                        {
                            Convolve2DTests.Check(SimdWidth.Vector512, random, channels, h, w, k, k, options, 0.25f, columnOrder: columnOrder);
                        }
                    }
                }
            }
        });
    }

    [Avx512Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1)]
    public void Convolve2D_SevenBySevenRowsFourKilobytesApartMatchOracle(int columnOrder)
    {
        // Input rows a multiple of 4 KB apart (give or take 128 bytes) run the 7x7 eight-row blocks
        // on copies in a ring of 64 rows (Convolution.UsesOctRing): views into wider buffers (rows
        // 1,000, 1,024, 2,048 and 3,072 floats apart), one and two channels (accumulating), "same",
        // asymmetric and no padding, heights that fill one band, wrap the ring and leave quads and
        // rows over (44, 61, 88, 150), outputs from 80 (86 columns unpadded) to 1,600.
        AtFullRate(true, () =>
        {
            var random = new Random(83 + columnOrder);
            const int k = 7;
            foreach (var (w, stride) in new[] { (86, 1024), (1000, 1000), (1024, 1024), (333, 2048), (1600, 3072), (99, 3072) })
            {
                foreach (var (h, pads) in new[] { (44, (3, 3, 3, 3)), (61, (1, 3, 2, 0)), (88, (0, 0, 0, 0)), (150, (3, 3, 3, 3)) })
                {
                    foreach (int channels in new[] { 1, 2 })
                    {
                        var options = new ConvolutionOptions { Pads = pads };
                        var g = Interpretability.Convolution.Errors.CheckConvolve2D(channels == 1 ? [h, w] : [channels, h, w], channels == 1 ? [k, k] : [channels, k, k], options, out int c);
                        Assert.True(Interpretability.Convolution.UsesOctRing(g, 16, stride), $"{w} wide, rows {stride} apart");
                        var buffer = new float[channels * h * stride];
                        for (int i = 0; i < buffer.Length; i++)
                        {
                            buffer[i] = (float)((random.NextDouble() * 2) - 1);
                        }

                        var dense = new float[channels * h * w];
                        for (int row = 0; row < channels * h; row++)
                        {
                            Array.Copy(buffer, row * stride, dense, row * w, w);
                        }

                        // One channel as a rank-2 view: a length-1 dimension with a stride past the data is refused.
                        var kernel = channels == 1 ? ConvolutionOracle.RandomTensor(random, k, k) : ConvolutionOracle.RandomTensor(random, channels, k, k);
                        nint[] lengths = channels == 1 ? [h, w] : [channels, h, w], strides = channels == 1 ? [stride, 1] : [h * stride, stride, 1];
                        var image = new ReadOnlyTensorSpan<float>(buffer, lengths, strides);
                        var result = Tensor.CreateFromShape<float>([g.OutputHeight, g.OutputWidth]);
                        Interpretability.Convolution.Convolve2DCore(SimdWidth.Vector512, image, kernel.AsReadOnlyTensorSpan(), result.AsTensorSpan(), g, c, 0.25f, columnOrder: columnOrder);
                        var (expected, magnitude) = ConvolutionOracle.Conv2D(dense, 1, channels, h, w, Flatten(kernel), 1, k, k, [0.25f], options);
                        AssertClose(expected, magnitude, Flatten(result), $"C={channels} {h}x{w} rows {stride} apart {Describe(options)} order {columnOrder}");
                    }
                }
            }
        });
    }

    [Fact]
    public void UsesOctRing_TakesSevenBySevenRowsThatAliasAtFullRate()
    {
        // "Same" padding; the row stride in floats.
        AtFullRate(true, () =>
        {
            Assert.True(OctRing(1024, 7, 1024));
            Assert.True(OctRing(1000, 7, 1000)); // 96 bytes short of 4 KB
            Assert.True(OctRing(80, 7, 2048));
            Assert.True(OctRing(1600, 7, 4096));
            Assert.False(OctRing(1024, 7, 1056)); // 128 bytes past: the blocks read in place (UsesOct)
            Assert.False(OctRing(960, 7, 960));
            Assert.False(OctRing(1024, 5, 1024)); // 5x5: the copy cost as much as it saved
            Assert.False(OctRing(79, 7, 1024));
            Assert.False(OctRing(1601, 7, 2048));
            SimdWidths.FullRate512 = false;
            Assert.False(OctRing(1024, 7, 1024));
        });
    }

    [Fact]
    public void OctRingStride_KeepsTheRingsRowsInDifferentL1Sets()
    {
        foreach (int width in new[] { 54, 80, 96, 1000, 1008, 1024, 1600, 2000 })
        {
            nint stride = Interpretability.Convolution.OctRingStride(width);
            Assert.True(stride >= width + 48, $"{width}: {stride}");
            Assert.Equal(1, (stride * sizeof(float) / 64) % 2);
            Assert.Equal(0, stride % 16);
        }
    }

    [Fact]
    public void FitsPadCopy_TakesNarrowSevenBySevenPlanesAtFullRate()
    {
        // "Same" padding. At full rate a 7x7 plane copies up to 16,384 padded floats on rows under 80
        // outputs (the eight-row blocks take 80 and up); 5x5, and 7x7 at half rate, keep 4,096.
        AtFullRate(true, () =>
        {
            Assert.True(FitsPadCopy(64, 64, 7, 1));
            Assert.True(FitsPadCopy(79, 79, 7, 1));
            Assert.False(FitsPadCopy(80, 80, 7, 1));
            Assert.True(FitsPadCopy(64, 64, 7, 3)); // 3 x 70 x 70 = 14,700
            Assert.False(FitsPadCopy(64, 64, 7, 4)); // 19,600
            Assert.True(FitsPadCopy(60, 60, 5, 1)); // 64 x 64 = 4,096
            Assert.False(FitsPadCopy(64, 64, 5, 1));
            SimdWidths.FullRate512 = false;
            Assert.True(FitsPadCopy(58, 58, 7, 1)); // 64 x 64
            Assert.False(FitsPadCopy(64, 64, 7, 1));
        });
    }

    [Fact]
    public void Convolve2D_SevenBySevenPadCopyMatchesOracle()
    {
        // The planes FitsPadCopy_TakesNarrowSevenBySevenPlanesAtFullRate admits, and their neighbours
        // past the limits, at every vector width: one and three channels, "same" and asymmetric pads.
        AtFullRate(true, () =>
        {
            var random = new Random(77);
            foreach (var width in SimdWidths.Supported)
            {
                foreach (int w in new[] { 60, 64, 79, 80 })
                {
                    foreach (var (h, pads) in new[] { (w, (3, 3, 3, 3)), (17, (2, 0, 1, 3)) })
                    {
                        foreach (int channels in new[] { 1, 3, 4 })
                        {
                            Convolve2DTests.Check(width, random, channels, h, w, 7, 7, new ConvolutionOptions { Pads = pads }, 0.25f);
                        }
                    }
                }
            }
        });
    }

    [Fact]
    public void UsesNarrowOct_TakesSmallPaddedPlanesAtFullRate()
    {
        AtFullRate(true, () =>
        {
            Assert.Equal(Avx512F.IsSupported, NarrowOct(SimdWidth.Vector512, 28, 28, 5));
            Assert.Equal(Avx512F.IsSupported, NarrowOct(SimdWidth.Vector512, 8, 17, 7));
            Assert.Equal(Avx512F.IsSupported, NarrowOct(SimdWidth.Vector512, 40, 32, 5));
            Assert.Equal(Avx512F.IsSupported, NarrowOct(SimdWidth.Vector512, 28, 33, 5)); // three vectors: two blocks
            Assert.Equal(Avx512F.IsSupported, NarrowOct(SimdWidth.Vector512, 79, 79, 7)); // three blocks
            Assert.Equal(Avx512F.IsSupported, NarrowOct(SimdWidth.Vector512, 28, 28, 3));
            Assert.False(NarrowOct(SimdWidth.Vector512, 80, 80, 7)); // the in-place eight-row blocks' width
            Assert.False(NarrowOct(SimdWidth.Vector512, 80, 80, 5));
            Assert.False(NarrowOct(SimdWidth.Vector512, 40, 33, 3)); // staged 3x3 stops at one block
            Assert.Equal(Avx512F.IsSupported, NarrowOct(SimdWidth.Vector512, 40, 33, 3, direct: true));
            Assert.Equal(Avx512F.IsSupported, NarrowOct(SimdWidth.Vector512, 95, 95, 3, direct: true));
            Assert.False(NarrowOct(SimdWidth.Vector512, 96, 96, 3, direct: true)); // the 3x3 whole-row blocks' width
            Assert.False(NarrowOct(SimdWidth.Vector512, 80, 80, 5, direct: true));
            Assert.False(NarrowOct(SimdWidth.Vector512, 28, 16, 5)); // one vector
            Assert.False(NarrowOct(SimdWidth.Vector512, 7, 28, 5)); // under one band
            Assert.False(NarrowOct(SimdWidth.Vector256, 28, 28, 5));
            Assert.False(Interpretability.Convolution.UsesNarrowOct(SimdWidth.Vector512, new ConvGeometry(28, 28, 5, 5, new ConvolutionOptions { Pads = (2, 2, 2, 2), Strides = (2, 2) }), direct: true));
            Assert.False(Interpretability.Convolution.UsesNarrowOct(SimdWidth.Vector512, new ConvGeometry(32, 32, 5, 5, ConvolutionOptions.Default), direct: true)); // unpadded
            SimdWidths.FullRate512 = false;
            Assert.False(NarrowOct(SimdWidth.Vector512, 28, 28, 5));
        });
    }

    [Fact]
    public void Convolve2D_NarrowEightRowBlocksMatchOracle()
    {
        // Small padded 5x5 and 7x7 planes of 17 to 79 output columns and 8 rows or more run whole
        // eight-row blocks of 32 columns on a zero-padded copy, one to three a band, and 3x3 planes of
        // 33 to 95 columns when one channel goes into dense rows (Convolution.UsesNarrowOct); their
        // neighbours past each limit take other paths. Widths around each block count, one channel
        // (written straight into the destination, the last band staged) and three (accumulating into
        // the blocks' staged output), "same" and asymmetric pads, heights that leave 0 to 7 rows of
        // the last band unused and one that is a single band.
        AtFullRate(true, () =>
        {
            var random = new Random(78);
            foreach (var width in SimdWidths.Supported)
            {
                foreach (int k in new[] { 3, 5, 7 })
                {
                    int[] widths = k == 3 ? [32, 33, 56, 64, 65, 95, 96] : [16, 17, 21, 28, 32, 33, 47, 48, 64, 65, 79, 80];
                    foreach (int w in widths)
                    {
                        foreach (int h in new[] { 7, 8, 9, 31 })
                        {
                            foreach (var pads in new[] { (k / 2, k / 2, k / 2, k / 2), (1, k - 1, k - 2, 0) })
                            {
                                foreach (int channels in new[] { 1, 3 })
                                {
                                    Convolve2DTests.Check(width, random, channels, h, w, k, k, new ConvolutionOptions { Pads = pads }, 0.25f);
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    [Fact]
    public void Conv2DPlan_DepthwiseNarrowBlocksMatchOracle()
    {
        // Depthwise layers on small padded planes run each output channel as eight-row blocks on a
        // zero-padded copy of its input channel, written straight into the output plane
        // (Conv2DPlan.RunDepthwiseNarrow): 3x3 up to 95 output columns, 5x5 and 7x7 up to 79; channel
        // multipliers 1 and 2 (each copy serves both outputs), "same" and asymmetric pads, and the
        // widths and heights just past each limit. Each output plane's last row is followed by the next
        // plane's first, which the blocks must not overwrite.
        AtFullRate(true, () =>
        {
            var random = new Random(80);
            foreach (int k in new[] { 3, 5, 7 })
            {
                int[] widths = k == 3 ? [16, 17, 28, 33, 64, 65, 95, 96] : [16, 17, 33, 64, 79, 80];
                foreach (int w in widths)
                {
                    foreach (int h in new[] { 7, 8, 21 })
                    {
                        foreach (var pads in new[] { (k / 2, k / 2, k / 2, k / 2), (1, k - 1, k - 2, 0) })
                        {
                            foreach (int multiplier in new[] { 1, 2 })
                            {
                                var plan = Conv2DPlanTests.Check(SimdWidths.Best, random, 2, 3, h, w, 3 * multiplier, k, k, new ConvolutionOptions { Pads = pads, Group = 3 });
                                Assert.Equal(Conv2DAlgorithm.Depthwise, plan.Algorithm);
                            }
                        }
                    }
                }
            }
        });
    }

    [Fact]
    public void Convolve2D_NarrowEightRowBlocksWriteStridedDestinations()
    {
        // The blocks compute into 32-column rows of their own and copy the output columns out: into
        // every other column of a destination with padded rows, NaN in the gaps, which must survive.
        AtFullRate(true, () =>
        {
            var random = new Random(79);
            const int c = 2, h = 28, w = 28, k = 5;
            var image = ConvolutionOracle.RandomTensor(random, c, h, w);
            var kernel = ConvolutionOracle.RandomTensor(random, c, k, k);
            var options = ConvolutionOptions.WithPadding(2);
            var g = Interpretability.Convolution.Errors.CheckConvolve2D(image.Lengths, kernel.Lengths, options, out int channels);
            var buffer = new float[h * ((w * 2) + 3)];
            Array.Fill(buffer, float.NaN);
            nint[] lengths = [h, w], strides = [(w * 2) + 3, 2];
            Interpretability.Convolution.Convolve2DCore(SimdWidths.Best, image.AsReadOnlyTensorSpan(), kernel.AsReadOnlyTensorSpan(), new TensorSpan<float>(buffer, lengths, strides), g, channels, -0.5f);

            var (expected, magnitude) = ConvolutionOracle.Conv2D(Flatten(image), 1, c, h, w, Flatten(kernel), 1, k, k, [-0.5f], options);
            var actual = new float[h * w];
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    actual[(y * w) + x] = buffer[(y * strides[0]) + (x * strides[1])];
                }
            }

            AssertClose(expected, magnitude, actual, "strided destination");
            Assert.Equal(buffer.Length - (h * w), buffer.Count(float.IsNaN));
        });
    }

    private static bool NarrowOct(SimdWidth width, int h, int w, int k, bool direct = false) =>
        Interpretability.Convolution.UsesNarrowOct(width, new ConvGeometry(h, w, k, k, ConvolutionOptions.WithPadding(k / 2)), direct);

    /// <summary>Runs <paramref name="test"/> under the given AVX-512 policy, then restores the machine's.</summary>
    private static void AtFullRate(bool fullRate512, Action test)
    {
        bool machine = SimdWidths.FullRate512;
        try
        {
            SimdWidths.FullRate512 = fullRate512;
            test();
        }
        finally
        {
            SimdWidths.FullRate512 = machine;
        }
    }

    private static bool OctRing(int w, int k, nint rowStride) =>
        Interpretability.Convolution.UsesOctRing(new ConvGeometry(8, w, k, k, ConvolutionOptions.WithPadding(k / 2)), 16, rowStride);

    private static bool FitsPadCopy(int h, int w, int k, int channels) =>
        Interpretability.Convolution.FitsPadCopy(new ConvGeometry(h, w, k, k, ConvolutionOptions.WithPadding(k / 2)), channels);
}

/// <summary>A theory skipped where the hardware has no AVX-512.</summary>
internal sealed class Avx512TheoryAttribute : TheoryAttribute
{
    public Avx512TheoryAttribute()
    {
        if (SimdWidths.Best != SimdWidth.Vector512)
        {
            Skip = "This machine has no AVX-512.";
        }
    }
}
