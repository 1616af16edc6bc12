using static Interpretability.Tests.Fixtures;

namespace Interpretability.Tests.Rendering;

public class RenderComparisonTests
{
    [Fact]
    public void Comparison_SizeHasAHeaderRowAndColumn()
    {
        Tensor<float>[] images = [FashionImage(0)];
        Tensor<float>[] kernels = [Map(3, 3, SobelX), Map(3, 3, SobelY)];
        var figure = Render.Comparison(images, kernels, (i, k) => ConvolveSame(i, Values(k)), null, null,
            RenderOptions.Default with { Scale = 2, ShowLabels = false });

        // Cells of 56 px: one header column, a 13 px separator, two kernel columns 6 px apart; margins of 10.
        Assert.Equal((56 * 3 + 13 + 6 + 20, 56 * 2 + 13 + 20), (figure.Width, figure.Height));
    }

    [Fact]
    public void Comparison_ConvolveOverloadEqualsPrecomputedResponses()
    {
        Tensor<float>[] images = [FashionImage(0), FashionImage(3)];
        Tensor<float>[] kernels = [Map(3, 3, Laplacian)];
        Tensor<float>[][] responses = [[ConvolveSame(images[0], Laplacian)], [ConvolveSame(images[1], Laplacian)]];
        var a = Render.Comparison(images, kernels, responses);
        var b = Render.Comparison(images, kernels, (i, k) => ConvolveSame(i, Values(k)));
        Assert.Equal(a.ToPng(), b.ToPng());
    }

    [Fact]
    public void Comparison_RejectsMismatchedCounts()
    {
        Tensor<float>[] images = [FashionImage(0)];
        Tensor<float>[] kernels = [Map(3, 3, SobelX)];
        Assert.Equal("responses", Assert.Throws<ArgumentException>(() => Render.Comparison(images, kernels, Array.Empty<Tensor<float>[]>())).ParamName);
        Assert.Equal("responses", Assert.Throws<ArgumentException>(() => Render.Comparison(images, kernels, new[] { Array.Empty<Tensor<float>>() })).ParamName);
        Assert.Equal("imageLabels", Assert.Throws<ArgumentException>(() => Render.Comparison(images, kernels, (i, k) => i, ["a", "b"])).ParamName);
        Assert.Equal("kernels", Assert.Throws<ArgumentException>(() => Render.Comparison(images, [], (i, k) => i)).ParamName);
        Assert.Equal("convolve", Assert.Throws<ArgumentException>(() => Render.Comparison(images, kernels, (i, k) => null!)).ParamName);
    }
}
