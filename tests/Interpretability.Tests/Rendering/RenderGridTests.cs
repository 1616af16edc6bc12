using static Interpretability.Tests.Fixtures;

namespace Interpretability.Tests.Rendering;

public class RenderGridTests
{
    private static readonly RenderOptions s_bare = RenderOptions.Default with { ShowLabels = false, ShowValues = false };

    [Fact]
    public void KernelGrid_SizeFollowsTheLayout()
    {
        // 5 kernels of 3×3 at scale 10 in 5 columns: 5·30 + 4 gaps of 8, plus a 10 px margin around.
        var figure = Render.KernelGrid(ClassicKernels(), s_bare with { Scale = 10, Columns = 5 });
        Assert.Equal((5 * 30 + 4 * 8 + 20, 30 + 20), (figure.Width, figure.Height));

        // Automatic columns for 5 square tiles: 3 then 2.
        var auto = Render.KernelGrid(ClassicKernels(), s_bare with { Scale = 10 });
        Assert.Equal((3 * 30 + 2 * 8 + 20, 2 * 30 + 8 + 20), (auto.Width, auto.Height));
    }

    [Fact]
    public void KernelGrid_ThreeChannelKernelsGetAColourTileWhereGrayIsZero()
    {
        // Kernel 0: R = +1, G = 0, B = -1 everywhere; kernel 1 all zero.
        var data = new float[2 * 3 * 2 * 2];
        Array.Fill(data, 1f, 0, 4);
        Array.Fill(data, -1f, 8, 4);
        var figure = Render.KernelGrid(Tensor.Create(data, [2, 3, 2, 2]), s_bare with { Scale = 10, Columns = 2 });

        // Each group: rgb, c0, c1, c2 tiles of 20 px with 4 px between; groups 14 px apart.
        var groupWidth = (4 * 20) + (3 * 4);
        Assert.Equal(((2 * groupWidth) + 14 + 20, 20 + 20), (figure.Width, figure.Height));
        Assert.Equal(new Rgba(255, 128, 0), figure.GetPixel(15, 15));                   // rgb tile of kernel 0
        Assert.Equal(new Rgba(128, 128, 128), figure.GetPixel(10 + groupWidth + 14 + 5, 15)); // rgb tile of kernel 1
        Assert.Equal(new Rgba(0x67, 0x00, 0x1F), figure.GetPixel(10 + 24 + 5, 15));      // c0 = +1, the top of [-1, 1]
        Assert.Equal(Rgba.White, figure.GetPixel(10 + 48 + 5, 15));                      // c1 = 0
    }

    [Fact]
    public void KernelGrid_SharedRangeComparesKernelsAndPerTileRangeStretchesEach()
    {
        var data = new float[] { 1, -1, 1, -1, 0.1f, -0.1f, 0.1f, -0.1f };
        var kernels = Tensor.Create(data, [2, 1, 2, 2]);
        var shared = Render.KernelGrid(kernels, s_bare with { Scale = 10, Columns = 2 });
        var perTile = Render.KernelGrid(kernels, s_bare with { Scale = 10, Columns = 2, SharedRange = false });
        var small = 10 + 20 + 8 + 5;
        Assert.NotEqual(new Rgba(0x67, 0x00, 0x1F), shared.GetPixel(small, 15)); // 0.1 of 1: pale
        Assert.Equal(new Rgba(0x67, 0x00, 0x1F), perTile.GetPixel(small, 15));   // 0.1 of 0.1: full red
    }

    [Fact]
    public void KernelGrid_RejectsTensorsThatAreNotFourDimensional()
    {
        var e = Assert.Throws<ArgumentException>(() => Render.KernelGrid(Tensor.Create(new float[9], [3, 3])));
        Assert.Equal("kernels", e.ParamName);
        Assert.Contains("[O, C, kH, kW]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FeatureMaps_BatchOfOneEqualsChannelsFirst()
    {
        var values = Enumerable.Range(0, 4 * 5 * 6).Select(i => MathF.Sin(i)).ToArray();
        var a = Render.FeatureMaps(Tensor.Create(values, [4, 5, 6]));
        var b = Render.FeatureMaps(Tensor.Create(values, [1, 4, 5, 6]));
        Assert.Equal(a.ToPng(), b.ToPng());
        Assert.Equal("maps", Assert.Throws<ArgumentException>(() => Render.FeatureMaps(Tensor.Create(new float[2 * 4 * 30], [2, 4, 5, 6]))).ParamName);
    }

    [Fact]
    public void Grid_AutomaticLayoutOfSixteenTilesIsFourByFour()
    {
        var tiles = Enumerable.Range(0, 16).Select(i => Tensor.Create(Enumerable.Repeat((float)i, 100).ToArray(), [10, 10])).ToArray();
        var figure = Render.Grid(tiles, null, s_bare with { Scale = 1 });
        Assert.Equal((4 * 10 + 3 * 8 + 20, 4 * 10 + 3 * 8 + 20), (figure.Width, figure.Height));
    }

    [Fact]
    public void Grid_SmallerTilesAreCentredInTheirCells()
    {
        Tensor<float>[] tiles = [Tensor.Create(new float[16], [4, 4]), Tensor.Create(new float[] { 1, 1, 1, 1 }, [2, 2])];
        var figure = Render.Grid(tiles, null, s_bare with { Scale = 1, Columns = 2, Colormap = Colormap.Gray });
        var x0 = 10 + 4 + 8;
        Assert.Equal(Rgba.White, figure.GetPixel(x0, 10));                 // the small tile's cell corner is background
        Assert.Equal(Rgba.White, figure.GetPixel(x0 + 1, 11));             // its tile: value 1 = white in [0, 1]
        Assert.Equal(new Rgba(0, 0, 0), figure.GetPixel(10, 10));          // the large tile: value 0 = black
    }

    [Fact]
    public void Grid_LabelsAreDrawnAboveTiles()
    {
        Tensor<float>[] tiles = [Map(2, 2, 0, 1, 2, 3)];
        var plain = Render.Grid(tiles, null, RenderOptions.Default with { Scale = 20 });
        var labelled = Render.Grid(tiles, ["a label"], RenderOptions.Default with { Scale = 20 });
        Assert.True(labelled.Height > plain.Height);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => Render.Grid(tiles, ["a", "b"])).ParamName);
        Assert.Equal("tiles", Assert.Throws<ArgumentException>(() => Render.Grid([])).ParamName);
    }

    [Fact]
    public void Grid_ManyTilesShrinkToFitTheCap()
    {
        var kernels = Tensor.Create(new float[4096 * 9], [64, 64, 3, 3]);
        var figure = Render.KernelGrid(kernels);
        Assert.InRange(figure.Width, 1, 16384);
        Assert.InRange(figure.Height, 1, 16384);
        Assert.InRange((long)figure.Width * figure.Height, 1, 64L * 1024 * 1024);
    }
}
