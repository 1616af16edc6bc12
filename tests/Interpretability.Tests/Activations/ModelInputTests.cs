namespace Interpretability.Tests.Activations;

/// <summary>Preparing images for the model's declared input: layout, channels, size.</summary>
public class ModelInputTests
{
    [Fact]
    public void LoadInput_GivesTheModelTheSamePixelsAsTheDataset()
    {
        using var model = Model.Load(ActivationTests.LectureModel);
        var images = Idx.ReadImages(TestPaths.Data("idx", "t10k-images-first16-idx3-ubyte.gz"));

        // The PNG was written from the dataset's first image, which is an ankle boot.
        var input = model.LoadInput([TestPaths.Data("images", "ankle-boot-28x28.png")]);

        Assert.Equal([1, 1, 28, 28], input.Lengths.ToArray());
        Assert.Equal(images.ToArray()[..784], input.ToArray());
        Assert.Equal(9, Tensor.IndexOfMax(model.Run(input).AsReadOnlyTensorSpan()));
    }

    [Fact]
    public void PrepareInput_ConvertsRgbToGrayAndResizes()
    {
        using var model = Model.Load(ActivationTests.LectureModel);
        var rgb = Images.Load(TestPaths.Data("images", "pullover-96x64.png"));

        var input = model.PrepareInput(rgb);

        Assert.Equal([3, 64, 96], rgb.Lengths.ToArray());
        Assert.Equal([1, 1, 28, 28], input.Lengths.ToArray());
        Assert.All(input.ToArray(), v => Assert.InRange(v, 0f, 1f));
        var loaded = model.LoadInput([TestPaths.Data("images", "pullover-96x64.png")]);
        Assert.Equal(loaded.ToArray(), input.ToArray(), new FloatTolerance(1.5f / 255));
    }

    [Fact]
    public void PrepareInput_StacksABatchAndNormalises()
    {
        using var model = Model.Load(ActivationTests.LectureModel);
        var images = Idx.ReadImages(TestPaths.Data("idx", "t10k-images-first16-idx3-ubyte.gz"));
        var first = Tensor.Create(images.ToArray()[..784], [28, 28]);
        var second = Tensor.Create(images.ToArray()[784..1568], [28, 28]);

        var batch = model.PrepareInput([first, second], ImageLoadOptions.Default with { Mean = [0.5f], Std = [0.25f] });

        Assert.Equal([2, 1, 28, 28], batch.Lengths.ToArray());
        Assert.Equal((second[10, 14] - 0.5f) / 0.25f, batch[1, 0, 10, 14]);
    }

    [Fact]
    public void PrepareInput_UsesChannelsLastForNhwcModels()
    {
        var fixture = ExportedFixture.Read("tf2onnx_like.expected.json");
        using var model = Model.Load(fixture.ModelPath);
        var image = Tensor.Create(Enumerable.Range(0, 36).Select(i => i / 36f).ToArray(), [6, 6]);

        var input = model.PrepareInput(image);

        Assert.Equal([1, 6, 6, 1], input.Lengths.ToArray());
        Assert.Equal(image[2, 3], input[0, 2, 3, 0]);
        Assert.Equal([1, 5], model.Run(input).Lengths.ToArray());
    }

    [Fact]
    public void PrepareInput_RefusesWhatIsNotAnImage()
    {
        using var model = Model.Load(ActivationTests.LectureModel);

        Assert.Throws<ArgumentException>(() => model.PrepareInput(Tensor.Create(new float[2 * 28 * 28], [2, 28, 28])));

        // dense.onnx takes [N, 2, 3, 3]: neither 1 nor 3 channels first, and too small to be channels-last.
        using var denseModel = Model.Load(ExportedFixture.Read("dense.expected.json").ModelPath);
        var ex = Assert.Throws<InvalidOperationException>(() => denseModel.PrepareInput(Tensor.Create(new float[4], [2, 2])));
        Assert.Contains("[batch, 2, 3, 3]", ex.Message, StringComparison.Ordinal);
    }
}
