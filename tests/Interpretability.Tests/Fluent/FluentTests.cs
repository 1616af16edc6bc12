using Interpretability.Tests.Activations;

namespace Interpretability.Tests.Fluent;

/// <summary>The fluent path gives the same numbers as the calls it is made of, and pictures of the expected size.</summary>
public class FluentTests
{
    private static Tensor<float> Boot() => Images.Load(Path.Combine(TestPaths.RepositoryRoot, "samples", "FashionMnistLecture", "images", "ankle-boot.png"), new() { Color = ImageColor.Grayscale });

    [Fact]
    public void Kernel_IsTheLayersKernelSliceWithItsBias()
    {
        using var model = Model.Load(ActivationTests.LectureModel);
        var weights = model.Layers[0].GetWeights();

        var kernel = model.Layers[0].Kernel(3);

        Assert.Equal(weights.Kernel2D(3).ToArray(), kernel.Values.ToArray());
        Assert.Equal(weights.Bias![3], kernel.Bias);
        Assert.Contains("/conv1/Conv kernel 3:", kernel.ToString(), StringComparison.Ordinal);
        Assert.Equal(4, kernel.ToString().Split('\n').Length);
    }

    [Fact]
    public void Kernel_OfADeeperLayerCoversEveryInputChannelUnlessOneIsChosen()
    {
        using var model = Model.Load(ActivationTests.LectureModel);
        var conv2 = model.Layers[2];

        Assert.Equal([5, 3, 3], conv2.Kernel(7).Values.Lengths.ToArray());
        Assert.Equal(conv2.GetWeights().Kernel2D(7, 4).ToArray(), conv2.Kernel(7, channel: 4).Values.ToArray());
        Assert.Equal("channel", Assert.Throws<ArgumentOutOfRangeException>(() => conv2.Kernel(7, channel: 5)).ParamName);
        Assert.Equal("index", Assert.Throws<ArgumentOutOfRangeException>(() => conv2.Kernel(15)).ParamName);
    }

    [Fact]
    public void Convolve_IsConvolve2DWithTheLayersOptions()
    {
        using var model = Model.Load(ActivationTests.LectureModel);
        var boot = Boot();
        var kernel = model.Layers[0].Kernel(1);

        var response = kernel.Convolve(boot);
        var biased = kernel.Convolve(boot, addBias: true);

        Assert.Equal(Interpretability.Convolution.Convolve2D(boot, kernel.Values).ToArray(), response.Map.ToArray());
        Assert.Equal([26, 26], response.Map.Lengths.ToArray());
        Assert.Equal(response.Map[10, 10] + kernel.Bias, biased.Map[10, 10], 5);
    }

    [Fact]
    public void ConvolveWithBias_EqualsTheNetworksOwnChannel()
    {
        using var model = Model.Load(ActivationTests.LectureModel);
        var boot = Boot();
        var activation = model.Layers[0].FeatureMaps(boot).Maps[0];

        var responses = model.Layers[0].Kernels().Convolve([boot], addBias: true);

        for (var k = 0; k < 5; k++)
        {
            var channel = activation.ToArray().AsSpan(k * 26 * 26, 26 * 26).ToArray();
            Assert.True(ActivationTests.ScaledError(responses[0, k].ToArray(), channel) < 1e-5);
        }
    }

    [Fact]
    public void Kernels_RenderOneTilePerKernelAndRefuseLayersWithoutKernels()
    {
        using var model = Model.Load(ActivationTests.LectureModel);

        var all = model.Layers[0].Kernels();
        var some = model.Layers[0].Kernels(4, 0);

        Assert.Equal(5, all.Count);
        Assert.Equal([4, 0], some.Indexes);
        Assert.Equal(all.Weights.ToArray()[(4 * 9)..(5 * 9)], some.Weights.ToArray()[..9]);
        Assert.True(all.Render().Width > some.Render().Width);
        var ex = Assert.Throws<InvalidOperationException>(() => model.Layers[1].Kernels());
        Assert.Contains("'/conv1/Conv', '/conv2/Conv'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FeatureMaps_AreTheNetworksActivationsAndRenderForOneOrSeveralImages()
    {
        using var model = Model.Load(ActivationTests.LectureModel);
        var boot = Boot();
        var direct = model.GetActivations(model.PrepareInput(boot), model.Layers[2])[model.Layers[2]];

        var one = model.Layers[2].FeatureMaps(boot);
        var two = model.Layers[2].FeatureMaps([boot, boot], ["boot", "boot again"]);

        Assert.Equal(direct.ToArray(), one.Maps[0].ToArray());
        Assert.Equal([15, 24, 24], one.Maps[0].Lengths.ToArray());
        var single = one.Render();
        var rows = two.Render();
        Assert.True(rows.Width > single.Width, "several images give one row of all 15 channels each");
        var file = two.SavePng(Path.Combine(TestPaths.Output(nameof(FluentTests)), "two.png"));
        Assert.Equal((rows.Width, rows.Height), (file.Width, file.Height));
    }

    [Fact]
    public void Responses_RenderTheLecturesComparison()
    {
        using var model = Model.Load(ActivationTests.LectureModel);
        var boot = Boot();

        var one = model.Layers[0].Kernel(0).Convolve(boot).Render();
        var grid = model.Layers[0].Kernels().Convolve([boot, boot]).Render();

        Assert.True(grid.Width > one.Width && grid.Height > one.Height);
        Assert.Equal(grid.ToPng(), model.Layers[0].Kernels().Convolve([boot, boot]).Render().ToPng());
    }
}
