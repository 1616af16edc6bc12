using Interpretability.Rendering;
using static Interpretability.Tests.Fixtures;

namespace Interpretability.Tests.Rendering;

public class FigureTests
{
    [Fact]
    public void SavePng_WritesTheFileAndSaysWhatItWrote()
    {
        var figure = Render.Heatmap(Map(3, 3, SobelX));
        var path = Path.Combine(TestPaths.Output(nameof(SavePng_WritesTheFileAndSaysWhatItWrote)), "nested", "sobel.png");
        var written = figure.SavePng(path);
        Assert.Equal(Path.GetFullPath(path), written.Path);
        Assert.Equal((figure.Width, figure.Height), (written.Width, written.Height));
        Assert.Equal(new FileInfo(path).Length, written.Bytes);
        Assert.Equal(figure.ToPng(), File.ReadAllBytes(path));
    }

    [Fact]
    public void WritePng_WritesToAStreamAndLeavesItOpen()
    {
        var figure = Render.Heatmap(Map(2, 2, 1, 2, 3, 4));
        using var stream = new MemoryStream();
        stream.WriteByte(42);
        var written = figure.WritePng(stream);
        Assert.Null(written.Path);
        Assert.Equal(stream.Length - 1, written.Bytes);
        Assert.Equal(figure.ToPng(), stream.ToArray()[1..]);
    }

    [Fact]
    public void ToPng_IsAnOpaqueRgbPngThatDecodesToTheSamePixels()
    {
        var figure = Render.KernelGrid(ClassicKernels(), RenderOptions.Default with { Title = "kernels" });
        var png = figure.ToPng();
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.Equal(2, png[25]); // IHDR colour type 2: RGB, no alpha
        var decoded = PngCodec.Decode(png)!;
        Assert.Equal(figure.Pixels.ToArray(), decoded.Pixels.ToArray());
    }

    [Fact]
    public void GetPixel_RejectsPixelsOutsideTheFigure()
    {
        var figure = Render.Heatmap(Map(1, 1, 0), RenderOptions.Default with { Scale = 2 });
        Assert.Equal("x", Assert.Throws<ArgumentOutOfRangeException>(() => figure.GetPixel(2, 0)).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentOutOfRangeException>(() => figure.GetPixel(0, -1)).ParamName);
    }

    [Fact]
    public void Text_UsesTheEmbeddedFontAndDrawsInk()
    {
        Assert.Equal("DejaVu Sans", Typefaces.DejaVuSans.FamilyName);
        Assert.True(Typefaces.DejaVuSans.GlyphCount > 1000);
        Assert.True(Typefaces.Measure("kernel 0 ∗ −1.5", 12f) > 50f);

        // A title over a white-valued map: the only dark pixels are the title's glyphs.
        var figure = Render.Heatmap(Map(1, 1, 1), RenderOptions.Default with { Colormap = Colormap.Gray, Scale = 100, Title = "Title" });
        var dark = 0;
        for (var y = 0; y < figure.Height - 100; y++)
        {
            for (var x = 0; x < figure.Width; x++)
            {
                dark += figure.GetPixel(x, y).R < 100 ? 1 : 0;
            }
        }

        Assert.InRange(dark, 40, 2000);
    }
}
