using static Interpretability.Tests.Convolution.ConvolutionOracle;

namespace Interpretability.Tests.Convolution;

public class Convolve2DTests
{
    /// <summary>Lanes of every SIMD width this machine runs (16, 8, 4, 1 on AVX-512).</summary>
    public static TheoryData<int> Widths() => [.. SimdWidths.Supported.Select(w => (int)w)];

    /// <summary>Runs Convolve2DCore at one SIMD width and compares with the oracle.</summary>
    internal static void Check(SimdWidth width, Random random, int channels, int h, int w, int kh, int kw, ConvolutionOptions options, float bias, bool rank3 = true, int columnOrder = 0)
    {
        var image = rank3 ? RandomTensor(random, channels, h, w) : RandomTensor(random, h, w);
        var kernel = rank3 ? RandomTensor(random, channels, kh, kw) : RandomTensor(random, kh, kw);
        var (expected, magnitude) = ConvolutionOracle.Conv2D(Flatten(image), 1, channels, h, w, Flatten(kernel), 1, kh, kw, [bias], options);
        var g = Interpretability.Convolution.Errors.CheckConvolve2D(image.Lengths, kernel.Lengths, options, out int c);
        var result = Tensor.CreateFromShape<float>([g.OutputHeight, g.OutputWidth]);
        Interpretability.Convolution.Convolve2DCore(width, image.AsReadOnlyTensorSpan(), kernel.AsReadOnlyTensorSpan(), result.AsTensorSpan(), g, c, bias, columnOrder: columnOrder);
        AssertClose(expected, magnitude, Flatten(result), $"{width} C={channels} {h}x{w} kernel {kh}x{kw} {Describe(options)} order {columnOrder}");
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Convolve2D_MatchesOracleForEveryRowWidth(int lanes)
    {
        var width = (SimdWidth)lanes;
        // Every output width 1..70 (around every vector multiple) for the specialised 3, 5, 7 kernels and a looped one.
        var random = new Random(1);
        foreach (int k in new[] { 3, 5, 7, 4 })
        {
            for (int ow = 1; ow <= 70; ow++)
            {
                Check(width, random, 1, k + (ow % 4), ow + k - 1, k, k, ConvolutionOptions.Default, 0.25f, rank3: false, columnOrder: 1);
                Check(width, random, 2, k + 5, ow, k, k, ConvolutionOptions.WithPadding(k / 2), 0.25f, columnOrder: -1);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Convolve2D_MatchesOracleOnWideRowsSplitIntoColumnChunks(int lanes)
    {
        // Rows wider than Convolution.FourRowsChunk go through several four-row calls at AVX2 and narrower (the last
        // piece may be short), and through one at AVX-512.
        var width = (SimdWidth)lanes;
        var random = new Random(5);
        foreach (int k in new[] { 3, 5, 7 })
        {
            foreach (int ow in new[] { 255, 256, 257, 259, 271, 272, 273, 287, 288, 289, 512 + 5, 600 })
            {
                foreach (int order in new[] { 1, -1 })
                {
                    Check(width, random, 2, k + 5, ow + k - 1, k, k, ConvolutionOptions.Default, 0.75f, columnOrder: order);
                    Check(width, random, 2, 9, ow, k, k, ConvolutionOptions.WithPadding(k / 2), 0.75f, columnOrder: order);
                }
            }
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    public void Convolve2D_MatchesOracleOnBenchmarkWidthRowsWhereverTheDestinationSits(int k)
    {
        // 1024-float rows are 4 KB apart: the kernel picks its column order from where the
        // destination sits relative to the image modulo 4 KB. Through the public span API, with the
        // destination placed at several such offsets in one pinned buffer (both orders get chosen),
        // including a height that is not a multiple of four.
        const int w = 1024;
        foreach (int h in new[] { 24, 21 })
        {
            var random = new Random(k * 100 + h);
            var image = RandomTensor(random, h, w);
            var kernel = RandomTensor(random, k, k);
            var options = ConvolutionOptions.WithPadding(k / 2);
            var (expected, magnitude) = ConvolutionOracle.Conv2D(Flatten(image), 1, 1, h, w, Flatten(kernel), 1, k, k, [0.5f], options);
            var buffer = GC.AllocateArray<float>((2 * h * w) + 2048, pinned: true);
            Flatten(image).CopyTo(buffer, 0);
            var source = Tensor.Create(buffer, 0, [h, w], default);
            foreach (int offsetBytes in new[] { 0, 64, 1024, 2048, 2560, 4032 })
            {
                int start = (h * w) + (offsetBytes / sizeof(float));
                Array.Fill(buffer, float.NaN, h * w, buffer.Length - (h * w));
                var destination = Tensor.Create(buffer, start, [h, w], default);
                Interpretability.Convolution.Convolve2D(source.AsReadOnlyTensorSpan(), kernel.AsReadOnlyTensorSpan(), destination.AsTensorSpan(), options, bias: 0.5f);
                AssertClose(expected, magnitude, buffer.AsSpan(start, h * w).ToArray(), $"{h}x{w} kernel {k}x{k}, destination {offsetBytes} B past a 4 KB multiple from the image");
                Assert.True(buffer.AsSpan(h * w, start - (h * w)).ToArray().All(float.IsNaN), "wrote before the destination");
                Assert.True(buffer.AsSpan(start + (h * w)).ToArray().All(float.IsNaN), "wrote past the destination");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(-1)]
    public void Convolve2D_MatchesOracleSummingChannelsInTheThreeByThreeBlocks(int order)
    {
        // Several channels of a 3x3 kernel on AVX-512: the quads inside the image sum every channel in
        // one pass (Quad3x3RowChannels512), the edge rows and the rows after the quads take one plane
        // at a time. Widths with first-block overlap (aligned inner blocks from 512), narrow and wide
        // tails and a masked last block; heights with one or several interior quads and leftover rows.
        var random = new Random(31);
        foreach (int channels in new[] { 2, 3, 5 })
        {
            foreach (int w in new[] { 96, 100, 130, 224, 241, 512, 530, 1000 })
            {
                foreach (var (h, pad) in new[] { (14, 1), (23, 1), (11, 0), (9, 1) })
                {
                    Check(SimdWidth.Vector512, random, channels, h, w, 3, 3, ConvolutionOptions.WithPadding(pad), -0.375f, columnOrder: order);
                }
            }
        }
    }

    [Fact]
    public void Convolve2D_MatchesOracleOnRowsTheLaneCountWouldSendToAvx2()
    {
        // Through the public API: 3x3 rows 1 to 8 columns past a multiple of 16 run the AVX-512 blocks
        // (SimdWidths.ThreeByThreeBlocksMinRow), padded and unpadded, with heights that leave rows after the quads.
        var random = new Random(12);
        foreach (int w in new[] { 97, 104, 200, 984, 1000, 1010 })
        {
            foreach (var (h, pad) in new[] { (13, 1), (10, 0) })
            {
                var image = RandomTensor(random, h, w);
                var kernel = RandomTensor(random, 3, 3);
                var options = ConvolutionOptions.WithPadding(pad);
                var (expected, magnitude) = ConvolutionOracle.Conv2D(Flatten(image), 1, 1, h, w, Flatten(kernel), 1, 3, 3, [0.125f], options);
                var result = Interpretability.Convolution.Convolve2D(image, kernel, options, bias: 0.125f);
                AssertClose(expected, magnitude, Flatten(result), $"{h}x{w} pad {pad}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Convolve2D_MatchesOracleWithSamePadding(int lanes)
    {
        var width = (SimdWidth)lanes;
        var random = new Random(2);
        foreach (int k in new[] { 1, 3, 5, 7 })
        {
            foreach (int size in new[] { 1, 2, 3, 7, 8, 9, 15, 16, 17, 28, 31, 33, 47, 48, 49, 63, 64, 65, 67 })
            {
                Check(width, random, 1, size, size, k, k, ConvolutionOptions.WithPadding(k / 2), -0.5f);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Convolve2D_MatchesOracleForRandomOptions(int lanes)
    {
        var width = (SimdWidth)lanes;
        var random = new Random(3);
        int checkedCases = 0;
        while (checkedCases < 300)
        {
            int h = random.Next(1, 71), w = random.Next(1, 71), kh = random.Next(1, 8), kw = random.Next(1, 8);
            var options = RandomOptions(random);
            var (oh, ow) = options.GetOutputSize(h, w, kh, kw);
            if (oh < 1 || ow < 1)
            {
                continue;
            }

            Check(width, random, random.Next(1, 4), h, w, kh, kw, options, (float)random.NextDouble());
            checkedCases++;
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public unsafe void ConvolvePlane_EveryKernelWidthVariantMatchesOracle(int lanes)
    {
        // The dispatcher sends kernel widths 3, 5, 7 to their unrolled variants; the looped variant must agree too.
        var random = new Random(4);
        foreach (int k in new[] { 3, 5, 7 })
        {
            foreach (var options in new[] { ConvolutionOptions.WithPadding(k / 2), new ConvolutionOptions { Strides = (2, 3), Dilations = (1, 2), Pads = (2, 0, 1, 3) } })
            {
                foreach (var unrolled in new[] { true, false })
                {
                    const int h = 23, w = 61;
                    var image = Random(random, h * w);
                    var kernel = Random(random, k * k);
                    var g = new ConvGeometry(h, w, k, k, options);
                    var output = new float[g.OutputHeight * g.OutputWidth];
                    var scratch = new float[Interpretability.Convolution.PlaneScratchLength(g)];
                    fixed (float* src = image)
                    fixed (float* kp = kernel)
                    fixed (float* dst = output)
                    fixed (float* s = scratch)
                    {
                        var args = new Interpretability.Convolution.PlaneArgs { Source = src, SourceRowStride = w, SourceColumnStride = 1, Kernel = kp, Destination = dst, DestinationRowStride = g.OutputWidth, Bias = 0.125f };
                        // Rows narrower than a vector are the dispatcher's job (SimdWidths.ForRow); here every row is wide enough.
                        Assert.True(g.OutputWidth >= lanes);
                        PlaneVariant((SimdWidth)lanes, k, unrolled, g, args, s);
                    }

                    var (expected, magnitude) = ConvolutionOracle.Conv2D(image, 1, 1, h, w, kernel, 1, k, k, [0.125f], options);
                    AssertClose(expected, magnitude, output, $"{(SimdWidth)lanes} {k}x{k} unrolled={unrolled} {Describe(options)}");
                }
            }
        }
    }

    [Fact]
    public unsafe void ConvolvePlane_ThreeByThreeAvx512BlocksMatchOracle()
    {
        // The AVX-512 3x3 blocks (Convolution.Quad3x3Blocks512) build the right-hand taps with
        // valignd. Called directly at AVX-512 (the dispatcher picks it only for rows of 128 and more),
        // over output widths around multiples of the 48-column block, with and without padding,
        // asymmetric pads, both column orders and accumulate mode, whole rows with masked end blocks
        // (rows of 96 to 511, overwriting; 1 to 32 columns after the last 48-column block make a
        // two-vector tail block) and single edge vectors, into a destination with a row gap that must
        // stay untouched. A right pad of 16 makes the last 48-column block before a tail read padding
        // that only the tail's masks zero. Images of 26 to 39 rows have runs of quads whose input rows
        // are all inside the image, which one call computes (the kernel's quad loop). On a machine
        // without AVX-512 there is no such kernel to test.
        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            return;
        }

        var random = new Random(11);
        var optionsList = new[] { ConvolutionOptions.WithPadding(1), ConvolutionOptions.Default, new ConvolutionOptions { Pads = (0, 2, 1, 0) }, new ConvolutionOptions { Pads = (1, 0, 0, 2) }, new ConvolutionOptions { Pads = (1, 3, 0, 2) }, new ConvolutionOptions { Pads = (0, 1, 2, 16) } };
        foreach (int ow in new[] { 16, 47, 48, 49, 63, 64, 65, 95, 96, 97, 111, 127, 128, 129, 143, 144, 145, 176, 200, 224, 256, 257, 300, 416, 511, 512 })
        {
            foreach (var options in optionsList)
            {
                foreach (var (accumulate, h) in new[] { (false, random.Next(4, 14)), (true, random.Next(4, 14)), (false, random.Next(26, 40)) })
                {
                    int w = ow + 2 - options.Pads.Left - options.Pads.Right;
                    if (w < 3)
                    {
                        continue;
                    }

                    var image = Random(random, h * w);
                    var kernel = Random(random, 9);
                    var g = new ConvGeometry(h, w, 3, 3, options);
                    Assert.Equal(ow, g.OutputWidth);
                    int gap = 5, rowStride = ow + gap;
                    var prior = Random(random, g.OutputHeight * ow);
                    foreach (var (order, edgeVectors) in new[] { (1, false), (-1, false), (1, true), (-1, true) })
                    {
                        var buffer = new float[(g.OutputHeight * rowStride) + 16];
                        Array.Fill(buffer, float.NaN);
                        for (int y = 0; y < g.OutputHeight; y++)
                        {
                            Array.Copy(prior, y * ow, buffer, y * rowStride, ow);
                        }

                        var scratch = new float[Interpretability.Convolution.PlaneScratchLength(g)];
                        fixed (float* src = image)
                        fixed (float* kp = kernel)
                        fixed (float* dst = buffer)
                        fixed (float* s = scratch)
                        {
                            var args = new Interpretability.Convolution.PlaneArgs { Source = src, SourceRowStride = w, SourceColumnStride = 1, Kernel = kp, Destination = dst, DestinationRowStride = rowStride, Bias = 0.375f, Accumulate = accumulate, ColumnOrder = order, EdgeVectors = edgeVectors };
                            Interpretability.Convolution.ConvolvePlane<Interpretability.Convolution.Vector512Ops, System.Runtime.Intrinsics.Vector512<float>, Interpretability.Convolution.KernelWidth3>(g, args, s);
                        }

                        var (expected, magnitude) = ConvolutionOracle.Conv2D(image, 1, 1, h, w, kernel, 1, 3, 3, [accumulate ? 0f : 0.375f], options);
                        var actual = new float[g.OutputHeight * ow];
                        for (int y = 0; y < g.OutputHeight; y++)
                        {
                            Array.Copy(buffer, y * rowStride, actual, y * ow, ow);
                            if (accumulate)
                            {
                                for (int x = 0; x < ow; x++)
                                {
                                    expected[(y * ow) + x] += prior[(y * ow) + x];
                                }
                            }

                            Assert.True(buffer.AsSpan((y * rowStride) + ow, gap).ToArray().All(float.IsNaN), $"wrote into the row gap after row {y}");
                        }

                        AssertClose(expected, magnitude, actual, $"AVX-512 3x3 {h}x{w} -> width {ow} {Describe(options)} accumulate={accumulate} order {order} edge vectors={edgeVectors}");
                    }
                }
            }
        }
    }

    [Fact]
    public unsafe void ConvolvePlane_ThreeByThreeAvx512AlignedBlocksMatchOracle()
    {
        // Rows of 512 outputs and more start their inner blocks where the quad's first output row is
        // 64-byte aligned (Convolution.AlignedBlocksMinWidth), so the blocks' positions, and what is
        // left for the tail or the last block (0, 1 to 16, 17 to 32 or 33 to 47 columns), follow the
        // destination's address. Destinations at every float offset within 64 bytes, with row strides
        // that keep all four rows of a quad at the same alignment and ones that do not, against the
        // oracle; nothing before the destination or in the row gaps may be written.
        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            return;
        }

        var random = new Random(12);
        var optionsList = new[] { ConvolutionOptions.WithPadding(1), new ConvolutionOptions { Pads = (1, 0, 0, 2) }, new ConvolutionOptions { Pads = (0, 1, 2, 16) } };
        foreach (int ow in new[] { 512, 520, 530, 545, 559, 600, 1000, 1024, 1043 })
        {
            for (int offset = 0; offset < 16; offset++)
            {
                var options = optionsList[offset % optionsList.Length];
                int w = ow + 2 - options.Pads.Left - options.Pads.Right;
                int h = offset % 4 == 0 ? random.Next(26, 40) : random.Next(4, 14);
                var image = Random(random, h * w);
                var kernel = Random(random, 9);
                var g = new ConvGeometry(h, w, 3, 3, options);
                int gap = offset % 2 == 0 ? 5 : 16 - (ow % 16), rowStride = ow + gap;
                int order = offset % 3 == 0 ? -1 : 1;
                var buffer = new float[offset + (g.OutputHeight * rowStride)];
                Array.Fill(buffer, float.NaN);
                var scratch = new float[Interpretability.Convolution.PlaneScratchLength(g)];
                fixed (float* src = image)
                fixed (float* kp = kernel)
                fixed (float* dst = buffer)
                fixed (float* s = scratch)
                {
                    var args = new Interpretability.Convolution.PlaneArgs { Source = src, SourceRowStride = w, SourceColumnStride = 1, Kernel = kp, Destination = dst + offset, DestinationRowStride = rowStride, Bias = -0.25f, ColumnOrder = order };
                    Interpretability.Convolution.ConvolvePlane<Interpretability.Convolution.Vector512Ops, System.Runtime.Intrinsics.Vector512<float>, Interpretability.Convolution.KernelWidth3>(g, args, s);
                }

                var (expected, magnitude) = ConvolutionOracle.Conv2D(image, 1, 1, h, w, kernel, 1, 3, 3, [-0.25f], options);
                var actual = new float[g.OutputHeight * ow];
                Assert.True(buffer.AsSpan(0, offset).ToArray().All(float.IsNaN), "wrote before the destination");
                for (int y = 0; y < g.OutputHeight; y++)
                {
                    Array.Copy(buffer, offset + (y * rowStride), actual, y * ow, ow);
                    Assert.True(buffer.AsSpan(offset + (y * rowStride) + ow, Math.Min(gap, buffer.Length - offset - (y * rowStride) - ow)).ToArray().All(float.IsNaN), $"wrote into the row gap after row {y}");
                }

                AssertClose(expected, magnitude, actual, $"AVX-512 3x3 aligned blocks {h}x{w} -> width {ow} {Describe(options)} offset {offset} row stride {rowStride} order {order}");
            }
        }
    }

    private static unsafe void PlaneVariant(SimdWidth width, int k, bool unrolled, in ConvGeometry g, in Interpretability.Convolution.PlaneArgs args, float* scratch)
    {
        switch (width)
        {
            case SimdWidth.Vector512:
                Plane<Interpretability.Convolution.Vector512Ops, System.Runtime.Intrinsics.Vector512<float>>(k, unrolled, g, args, scratch);
                break;
            case SimdWidth.Vector256:
                Plane<Interpretability.Convolution.Vector256Ops, System.Runtime.Intrinsics.Vector256<float>>(k, unrolled, g, args, scratch);
                break;
            case SimdWidth.Vector128:
                Plane<Interpretability.Convolution.Vector128Ops, System.Runtime.Intrinsics.Vector128<float>>(k, unrolled, g, args, scratch);
                break;
            default:
                Plane<Interpretability.Convolution.ScalarOps, float>(k, unrolled, g, args, scratch);
                break;
        }
    }

    private static unsafe void Plane<TOps, TVec>(int k, bool unrolled, in ConvGeometry g, in Interpretability.Convolution.PlaneArgs args, float* scratch)
        where TOps : IVectorOps<TVec>
        where TVec : struct
    {
        if (!unrolled)
        {
            Interpretability.Convolution.ConvolvePlane<TOps, TVec, Interpretability.Convolution.KernelWidthAny>(g, args, scratch);
        }
        else if (k == 3)
        {
            Interpretability.Convolution.ConvolvePlane<TOps, TVec, Interpretability.Convolution.KernelWidth3>(g, args, scratch);
        }
        else if (k == 5)
        {
            Interpretability.Convolution.ConvolvePlane<TOps, TVec, Interpretability.Convolution.KernelWidth5>(g, args, scratch);
        }
        else
        {
            Interpretability.Convolution.ConvolvePlane<TOps, TVec, Interpretability.Convolution.KernelWidth7>(g, args, scratch);
        }
    }
}
