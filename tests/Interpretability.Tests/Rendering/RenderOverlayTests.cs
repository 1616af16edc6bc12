using static Interpretability.Tests.Fixtures;

namespace Interpretability.Tests.Rendering;

public class RenderOverlayTests
{
    [Fact]
    public void Overlay_AlphaZeroIsTheImageAndAlphaOneIsTheMap()
    {
        var image = Map(2, 2, 0f, 1f, 0.5f, 0.2f);
        var map = Map(2, 2, 0f, 1f, 1f, 0f);
        var pixel = RenderOptions.Default with { Scale = 1, Colormap = Colormap.Viridis };
        var none = Render.Overlay(image, map, pixel with { Alpha = 0f });
        var full = Render.Overlay(image, map, pixel with { Alpha = 1f });
        Assert.Equal(Render.Image(image, pixel).ToPng(), none.ToPng());
        Assert.Equal(new Rgba(0x44, 0x01, 0x54), full.GetPixel(0, 0));
        Assert.Equal(new Rgba(0xFD, 0xE7, 0x25), full.GetPixel(1, 0));

        // Half and half: the mean of white and viridis' top.
        var half = Render.Overlay(image, map, pixel with { Alpha = 0.5f });
        Assert.Equal(new Rgba(254, 243, 146), half.GetPixel(1, 0));
    }

    [Fact]
    public void Overlay_NanInTheMapLetsTheImageShowThrough()
    {
        var image = Map(1, 2, 0.2f, 0.8f);
        var figure = Render.Overlay(image, Map(1, 2, float.NaN, 1f), RenderOptions.Default with { Scale = 1, Alpha = 1f });
        Assert.Equal(new Rgba(51, 51, 51), figure.GetPixel(0, 0));
    }

    [Fact]
    public void Overlay_ACoarseMapIsResizedToTheImage()
    {
        var figure = Render.Overlay(FashionImage(0), Map(7, 7, new float[49]), RenderOptions.Default with { Scale = 3 });
        Assert.Equal((84, 84), (figure.Width, figure.Height));
    }

    [Fact]
    public void Image_RgbAndOutOfRangeValues()
    {
        var rgb = Tensor.Create(new float[] { 1, 0, 0, 0, 1, 0 }, [3, 1, 2]); // R plane (1, 0), G (0, 0), B (1, 0)
        var figure = Render.Image(rgb, RenderOptions.Default with { Scale = 1 });
        Assert.Equal(new Rgba(255, 0, 255), figure.GetPixel(0, 0));
        Assert.Equal(new Rgba(0, 0, 0), figure.GetPixel(1, 0));

        // Normalised data (outside [0, 1]) is stretched from its minimum to its maximum.
        var normalised = Render.Image(Map(1, 3, -2f, 0f, 2f), RenderOptions.Default with { Scale = 1 });
        Assert.Equal(new Rgba(128, 128, 128), normalised.GetPixel(1, 0));
        Assert.Equal("image", Assert.Throws<ArgumentException>(() => Render.Image(Tensor.Create(new float[8], [2, 2, 2]))).ParamName);
    }
}
