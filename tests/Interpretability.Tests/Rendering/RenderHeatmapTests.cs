using System.Buffers;
using static Interpretability.Tests.Fixtures;

namespace Interpretability.Tests.Rendering;

public class RenderHeatmapTests
{
    // Scale 1 and no values: one pixel per element, so a pixel is exactly the colormap's colour.
    private static readonly RenderOptions s_pixelPerValue = RenderOptions.Default with { Scale = 1, ShowValues = false };

    private static Rgba[] Row(RenderOptions options, params float[] values)
    {
        var figure = Render.Heatmap(Map(1, values.Length, values), options);
        return [.. Enumerable.Range(0, values.Length).Select(x => figure.GetPixel(x, 0))];
    }

    [Fact]
    public void Heatmap_GrayMapsMinToBlackAndMaxToWhite()
    {
        var row = Row(s_pixelPerValue with { Colormap = Colormap.Gray }, 2, 3, 4);
        Assert.Equal(new Rgba(0, 0, 0), row[0]);
        Assert.Equal(new Rgba(128, 128, 128), row[1]);
        Assert.Equal(new Rgba(255, 255, 255), row[2]);
    }

    [Fact]
    public void Heatmap_ViridisHasMatplotlibsColours()
    {
        // #440154 at the bottom, #21918C in the middle (entry 128), #FDE725 at the top.
        var row = Row(s_pixelPerValue with { Colormap = Colormap.Viridis }, 0f, 0.5f, 1f);
        Assert.Equal(new Rgba(0x44, 0x01, 0x54), row[0]);
        Assert.Equal(new Rgba(0x21, 0x91, 0x8C), row[1]);
        Assert.Equal(new Rgba(0xFD, 0xE7, 0x25), row[2]);
    }

    [Fact]
    public void Heatmap_DivergingIsWhiteAtZeroAndSymmetricByDefault()
    {
        var row = Row(s_pixelPerValue with { Colormap = Colormap.Diverging }, -3f, 0f, 1f, 3f, -1f);
        Assert.Equal(new Rgba(0x05, 0x30, 0x61), row[0]); // -3 is the bottom of [-3, 3]
        Assert.Equal(Rgba.White, row[1]);
        Assert.Equal(new Rgba(0x67, 0x00, 0x1F), row[3]); // 3 the top
        Assert.True(row[2].R > row[2].B, $"positive is red, got {row[2]}");
        Assert.True(row[4].B > row[4].R, $"negative is blue, got {row[4]}");

        // Symmetric: equal magnitudes have mirrored depth.
        Assert.InRange(Math.Abs(row[2].B - row[4].R), 0, 30);
    }

    [Fact]
    public void Heatmap_DivergingAsymmetricRangeKeepsWhiteAtZero()
    {
        var row = Row(s_pixelPerValue with { Colormap = Colormap.Diverging, SymmetricRange = false }, -1f, 0f, 4f);
        Assert.Equal(new Rgba(0x05, 0x30, 0x61), row[0]);
        Assert.Equal(Rgba.White, row[1]);
        Assert.Equal(new Rgba(0x67, 0x00, 0x1F), row[2]);
    }

    [Fact]
    public void Heatmap_AutoIsDivergingForSignedDataAndViridisOtherwise()
    {
        Assert.Equal(Rgba.White, Row(s_pixelPerValue, -1f, 0f, 2f)[1]);
        Assert.Equal(new Rgba(0x44, 0x01, 0x54), Row(s_pixelPerValue, 0f, 2f)[0]);
        Assert.Equal(Rgba.White, Row(s_pixelPerValue with { Min = -1, Max = 1 }, 0f, 0.5f)[0]);
    }

    [Fact]
    public void Heatmap_NanIsDrawnInTheMarkerColour()
    {
        Assert.Equal(Rgba.Magenta, Row(s_pixelPerValue, 1f, float.NaN, 2f)[1]);
        var custom = new Rgba(1, 2, 3);
        Assert.Equal(custom, Row(s_pixelPerValue with { NanColor = custom }, float.NaN, 2f)[0]);
    }

    [Fact]
    public void Heatmap_InfinitiesClampToTheEndsAndAreLeftOutOfTheAutoRange()
    {
        var row = Row(s_pixelPerValue with { Colormap = Colormap.Gray }, 0f, 1f, float.PositiveInfinity, float.NegativeInfinity, 0.5f);
        Assert.Equal(new Rgba(0, 0, 0), row[0]);
        Assert.Equal(Rgba.White, row[1]);
        Assert.Equal(Rgba.White, row[2]);
        Assert.Equal(new Rgba(0, 0, 0), row[3]);
        Assert.Equal(new Rgba(128, 128, 128), row[4]); // the range is [0, 1], not (-Inf, Inf)
    }

    [Fact]
    public void Heatmap_ConstantTensorIsTheMiddleColour()
    {
        Assert.All(Row(s_pixelPerValue with { Colormap = Colormap.Gray }, 7f, 7f, 7f), p => Assert.Equal(new Rgba(128, 128, 128), p));
        Assert.All(Row(s_pixelPerValue with { Colormap = Colormap.Viridis }, 7f, 7f), p => Assert.Equal(new Rgba(0x21, 0x91, 0x8C), p));
        Assert.All(Row(s_pixelPerValue, 0f, 0f), p => Assert.Equal(new Rgba(0x21, 0x91, 0x8C), p)); // Auto: unsigned, so viridis
        Assert.All(Row(s_pixelPerValue with { Colormap = Colormap.Diverging }, 0f, 0f), p => Assert.Equal(Rgba.White, p));
    }

    [Fact]
    public void Heatmap_AllNanOrInfiniteRendersWithoutError()
    {
        var row = Row(s_pixelPerValue with { Colormap = Colormap.Gray }, float.NaN, float.PositiveInfinity, float.NegativeInfinity);
        Assert.Equal(Rgba.Magenta, row[0]);
        Assert.Equal(Rgba.White, row[1]);
        Assert.Equal(new Rgba(0, 0, 0), row[2]);
        Assert.NotNull(Render.Heatmap(Map(2, 2, float.NaN, float.NaN, float.NaN, float.NaN), RenderOptions.Default with { Colorbar = true }));
    }

    [Fact]
    public void Heatmap_ExplicitRangeClampsValuesOutsideIt()
    {
        var row = Row(s_pixelPerValue with { Colormap = Colormap.Gray, Min = 0, Max = 2 }, -1f, 1f, 3f);
        Assert.Equal(new Rgba(0, 0, 0), row[0]);
        Assert.Equal(new Rgba(128, 128, 128), row[1]);
        Assert.Equal(Rgba.White, row[2]);
    }

    [Theory]
    [InlineData(3, 5, 7, 35, 21)]
    [InlineData(1, 1, 1, 1, 1)]
    [InlineData(28, 28, 2, 56, 56)]
    public void Heatmap_IsExactlyColumnsAndRowsTimesTheScale(int rows, int cols, int scale, int width, int height)
    {
        var figure = Render.Heatmap(Tensor.Create(new float[rows * cols], [rows, cols]), RenderOptions.Default with { Scale = scale });
        Assert.Equal((width, height), (figure.Width, figure.Height));
    }

    [Theory]
    [InlineData(3, 255)]   // 85 px per value: a 3×3 kernel is plainly visible
    [InlineData(5, 255)]
    [InlineData(28, 252)]  // 9 px per pixel
    [InlineData(300, 300)] // never below 1
    public void Heatmap_AutomaticScaleAimsAt256Pixels(int side, int expected)
    {
        var figure = Render.Heatmap(Tensor.Create(new float[side * side], [side, side]));
        Assert.Equal((expected, expected), (figure.Width, figure.Height));
    }

    [Fact]
    public void Heatmap_EachValueIsAUniformSquare()
    {
        var values = Enumerable.Range(0, 12).Select(i => (float)i).ToArray();
        var figure = Render.Heatmap(Map(3, 4, values), RenderOptions.Default with { Scale = 6, ShowValues = false });
        for (var y = 0; y < 18; y++)
        {
            for (var x = 0; x < 24; x++)
            {
                Assert.Equal(figure.GetPixel((x / 6 * 6) + 3, (y / 6 * 6) + 3), figure.GetPixel(x, y));
            }
        }
    }

    [Fact]
    public void Heatmap_PrintsValuesOnSmallMapsOnly()
    {
        static bool Uniform(Figure f, int cell)
        {
            var colours = new HashSet<Rgba>();
            for (var y = 0; y < cell; y++)
            {
                for (var x = 0; x < cell; x++)
                {
                    colours.Add(f.GetPixel(x, y));
                }
            }

            return colours.Count == 1;
        }

        var kernel = Map(3, 3, SobelX);
        Assert.False(Uniform(Render.Heatmap(kernel), 85));
        Assert.True(Uniform(Render.Heatmap(kernel, RenderOptions.Default with { ShowValues = false }), 85));
        Assert.True(Uniform(Render.Heatmap(Tensor.Create(Enumerable.Range(0, 256).Select(i => (float)i).ToArray(), [16, 16])), 16));
        Assert.False(Uniform(Render.Heatmap(Tensor.Create(Enumerable.Range(0, 256).Select(i => (float)i).ToArray(), [16, 16]), RenderOptions.Default with { ShowValues = true, Scale = 40 }), 40));
    }

    [Fact]
    public void Heatmap_TitleAndColorbarAddRoomAroundTheMap()
    {
        var map = Map(2, 2, 0, 1, 2, 3);
        var bare = Render.Heatmap(map, RenderOptions.Default with { Scale = 50 });
        var titled = Render.Heatmap(map, RenderOptions.Default with { Scale = 50, Title = "t" });
        var withBar = Render.Heatmap(map, RenderOptions.Default with { Scale = 50, Colorbar = true });
        Assert.Equal((100, 100), (bare.Width, bare.Height));
        Assert.True(titled.Height > 120 && titled.Width >= 120);
        Assert.True(withBar.Width > 140 && withBar.Height == 120);
    }

    [Fact]
    public void Heatmap_AcceptsLeadingOnesAndStridedTensors()
    {
        var flat = Render.Heatmap(Map(2, 2, 1, 2, 3, 4), s_pixelPerValue);
        var batched = Render.Heatmap(Tensor.Create(new float[] { 1, 2, 3, 4 }, [1, 1, 2, 2]), s_pixelPerValue);
        Assert.Equal(flat.ToPng(), batched.ToPng());

        // A non-dense view: columns 1..2 of a 2×4 tensor.
        var wide = Tensor.Create(new float[] { 0, 1, 2, 9, 0, 3, 4, 9 }, [2, 4]);
        var view = wide.Slice([new NRange(0, 2), new NRange(1, 3)]);
        Assert.False(view.IsDense);
        var sliced = Render.Heatmap(view, s_pixelPerValue);
        Assert.Equal(flat.ToPng(), sliced.ToPng());
    }

    [Fact]
    public void Heatmap_RejectsShapesThatAreNotTwoDimensional()
    {
        Assert.Equal("map", Assert.Throws<ArgumentException>(() => Render.Heatmap(Tensor.Create(new float[18], [2, 3, 3]))).ParamName);
        Assert.Equal("map", Assert.Throws<ArgumentException>(() => Render.Heatmap(Tensor.Create(new float[3], [3]))).ParamName);
        Assert.Equal("map", Assert.Throws<ArgumentException>(() => Render.Heatmap(Tensor.Create(Array.Empty<float>(), [0, 3]))).ParamName);
        Assert.Throws<ArgumentNullException>(() => Render.Heatmap(null!));
    }

    [Theory]
    [InlineData(2f, 1f, 1, 0.5f)]
    [InlineData(float.NaN, null, 1, 0.5f)]
    [InlineData(null, null, 0, 0.5f)]
    [InlineData(null, null, 1025, 0.5f)]
    [InlineData(null, null, 1, 1.5f)]
    public void Heatmap_RejectsBadOptions(float? min, float? max, int scale, float alpha)
    {
        var options = RenderOptions.Default with { Min = min, Max = max, Scale = scale, Alpha = alpha };
        var e = Assert.Throws<ArgumentException>(() => Render.Heatmap(Map(1, 1, 0), options));
        Assert.Equal("options", e.ParamName);
    }

    [Fact]
    public void Heatmap_RefusesFiguresBeyondTheCap()
    {
        var e = Assert.Throws<ArgumentException>(() => Render.Heatmap(Tensor.Create(new float[100 * 100], [100, 100]), RenderOptions.Default with { Scale = 1000 }));
        Assert.Contains("100000×100000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SameInputGivesTheSameBytes()
    {
        var options = RenderOptions.Default with { Title = "k0", Colorbar = true };
        Assert.Equal(Render.Heatmap(Map(3, 3, SobelY), options).ToPng(), Render.Heatmap(Map(3, 3, SobelY), options).ToPng());
        Assert.Equal(Render.KernelGrid(ClassicKernels(), options).ToPng(), Render.KernelGrid(ClassicKernels(), options).ToPng());
    }
}
