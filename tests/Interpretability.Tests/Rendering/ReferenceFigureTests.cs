using static Interpretability.Tests.Fixtures;

namespace Interpretability.Tests.Rendering;

/// <summary>The main figures, compared with reference PNGs that were looked at before they were committed.</summary>
public class ReferenceFigureTests
{
    [Fact]
    public void Heatmap_KernelWithValuesAndColorbar()
    {
        // A 5×5 Laplacian of Gaussian: signed, so Auto picks the diverging map, white at zero.
        float[] log = [0, 0, -1, 0, 0, 0, -1, -2, -1, 0, -1, -2, 16, -2, -1, 0, -1, -2, -1, 0, 0, 0, -1, 0, 0];
        var figure = Render.Heatmap(Map(5, 5, log), RenderOptions.Default with { Colorbar = true, Title = "Laplacian of Gaussian 5×5" });
        ImageComparer.MatchesReference(figure, "heatmap-kernel-5x5");
    }

    [Fact]
    public void KernelGrid_ClassicKernels()
    {
        var figure = Render.KernelGrid(ClassicKernels(), RenderOptions.Default with { Title = "Kernels [5, 1, 3, 3]", Colorbar = true });
        ImageComparer.MatchesReference(figure, "kernel-grid-5x1x3x3");
    }

    [Fact]
    public void KernelGrid_RgbFirstLayerShowsColourTiles()
    {
        // Oriented colour edges and blobs, as a trained first layer of an ImageNet model has.
        var data = new float[4 * 3 * 5 * 5];
        for (var k = 0; k < 4; k++)
        {
            for (var c = 0; c < 3; c++)
            {
                for (var y = 0; y < 5; y++)
                {
                    for (var x = 0; x < 5; x++)
                    {
                        double u = x - 2, v = y - 2;
                        var value = k switch
                        {
                            0 => (c == 0 ? 1 : -0.5) * Math.Tanh(u),                       // red-cyan vertical edge
                            1 => (c == 2 ? 1 : -0.3) * Math.Tanh(v),                       // blue horizontal edge
                            2 => (c == 1 ? 1 : -0.6) * Math.Exp(-((u * u) + (v * v)) / 2), // green blob
                            _ => 0.8 * Math.Sin((u + v) * 1.2) * (c == 1 ? -1 : 1),        // diagonal stripes
                        };
                        data[(((k * 3) + c) * 25) + (y * 5) + x] = (float)value;
                    }
                }
            }
        }

        var figure = Render.KernelGrid(Tensor.Create(data, [4, 3, 5, 5]), RenderOptions.Default with { Title = "First layer [4, 3, 5, 5]", Columns = 2 });
        ImageComparer.MatchesReference(figure, "kernel-grid-rgb-4x3x5x5");
    }

    [Fact]
    public void FeatureMaps_ResponsesOfAnAnkleBoot()
    {
        var boot = FashionImage(0);
        float[][] kernels = [SobelX, SobelY, Laplacian, Sharpen, Box];
        var maps = new float[kernels.Length * 784];
        for (var i = 0; i < kernels.Length; i++)
        {
            Values(ConvolveSame(boot, kernels[i])).CopyTo(maps, i * 784);
        }

        var figure = Render.FeatureMaps(Tensor.Create(maps, [1, 5, 28, 28]), RenderOptions.Default with { Colorbar = true, Title = "Feature maps [1, 5, 28, 28]" });
        ImageComparer.MatchesReference(figure, "feature-maps-boot");
    }

    [Fact]
    public void Comparison_ThreeImagesThreeKernels()
    {
        Tensor<float>[] images = [FashionImage(0), FashionImage(1), FashionImage(2)];
        Tensor<float>[] kernels = [Map(3, 3, SobelX), Map(3, 3, SobelY), Map(3, 3, Laplacian)];
        string[] names = [.. Labels.Take(3).Select(l => FashionMnist.ClassNames[l])];
        var figure = Render.Comparison(images, kernels, (image, kernel) => ConvolveSame(image, Values(kernel)),
            names, ["Sobel x", "Sobel y", "Laplacian"], RenderOptions.Default with { Title = "image ∗ kernel = response", Colorbar = true });
        ImageComparer.MatchesReference(figure, "comparison-3x3");
    }

    [Fact]
    public void Overlay_EdgeMagnitudeOnTheBoot()
    {
        var boot = FashionImage(0);
        var gx = Values(ConvolveSame(boot, SobelX));
        var gy = Values(ConvolveSame(boot, SobelY));
        var magnitude = new float[7 * 7];
        for (var i = 0; i < 28 * 28; i++)
        {
            // Pooled 4×4 to 7×7, as an attribution method's coarse map would be.
            magnitude[((i / 28 / 4) * 7) + (i % 28 / 4)] += MathF.Sqrt((gx[i] * gx[i]) + (gy[i] * gy[i])) / 16f;
        }

        var figure = Render.Overlay(boot, Map(7, 7, magnitude), RenderOptions.Default with { Colormap = Colormap.Viridis, Alpha = 0.5f, Colorbar = true, Title = "Edge strength over the image" });
        ImageComparer.MatchesReference(figure, "overlay-boot");
    }

    [Fact]
    public void Image_GrayBootWithTitle()
    {
        var figure = Render.Image(FashionImage(0), RenderOptions.Default with { Scale = 6, Title = FashionMnist.ClassNames[9] });
        ImageComparer.MatchesReference(figure, "image-boot");
    }

    [Fact]
    public void Heatmap_NanAndInfinities()
    {
        float[] values = [float.NaN, -1, 0, 1, float.NegativeInfinity, -0.5f, 0.5f, float.PositiveInfinity, -2, 2, float.NaN, 0.25f];
        var figure = Render.Heatmap(Map(3, 4, values), RenderOptions.Default with { Colorbar = true, Title = "NaN, ±Inf" });
        ImageComparer.MatchesReference(figure, "heatmap-nan-inf");
    }
}
