using System.Text.Json;
using FashionMnistLecture;

namespace Interpretability.Tests;

/// <summary>The main sample's own steps, run on the shipped model and images, checked by what they write.</summary>
public class SampleTests
{
    [Fact]
    public void Lecture_RunsEveryStepOnTheShippedModelAndData()
    {
        var folder = TestPaths.Output(nameof(Lecture_RunsEveryStepOnTheShippedModelAndData));
        foreach (var file in Directory.EnumerateFiles(folder, "*.png"))
        {
            File.Delete(file);
        }

        using var log = new StringWriter();
        using var lecture = new Lecture(LectureOptions.Shipped(folder), log);

        lecture.Run();

        var text = log.ToString();
        Assert.Contains("kernels 5x1x3x3 and biases 5 in ONNX order", text, StringComparison.Ordinal);
        Assert.Contains("in the lecture's Keras order (kh, kw, in, out) they are 3x3x1x5 and 5", text, StringComparison.Ordinal);
        Assert.Contains("The first shoe is test image 0 (Ankle boot); the first T-shirt/top is test image 19.", text, StringComparison.Ordinal);
        Assert.Contains("kernel 0 mostly detects", text, StringComparison.Ordinal);
        Assert.Contains("kernel 1 mostly detects", text, StringComparison.Ordinal);

        // PyTorch measured the same accuracy on these 1,000 images when it trained the model.
        using var card = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "samples", "FashionMnistLecture", "model", "fashion_cnn.json")));
        var expected = card.RootElement.GetProperty("test_accuracy_first_1000").GetDouble();
        Assert.Equal(expected, lecture.Accuracy(), 6);
        Assert.Contains("919 correct, 91.90 %", text, StringComparison.Ordinal);

        string[] pictures = ["conv1-kernel0.png", "conv1-kernels.png", "conv1-kernels-0-1-responses.png", "conv1-feature-maps-shoe.png", "conv2-feature-maps-shoe.png", "conv1-feature-maps-shoe-shirt.png"];
        Assert.Equal(pictures, lecture.Written.Select(f => Path.GetFileName(f.Path)));
        foreach (var written in lecture.Written)
        {
            var info = new FileInfo(written.Path!);
            Assert.Equal(written.Bytes, info.Length);
            Assert.True(written.Width is > 200 and < 2000 && written.Height is > 200 and < 2000, $"{written.Path}: {written.Width}x{written.Height}");
            var decoded = Images.Load(written.Path!);
            Assert.Equal([3, written.Height, written.Width], decoded.Lengths.ToArray());
        }
    }

    [Fact]
    public void LectureOptions_ParseTheDocumentedArguments()
    {
        Assert.Equal("out", LectureOptions.Parse(["--output", "out"], out _)!.OutputFolder);
        Assert.Equal("out2", LectureOptions.Parse(["out2"], out _)!.OutputFolder);
        Assert.Equal("lecture-output", LectureOptions.Parse([], out _)!.OutputFolder);
        Assert.Null(LectureOptions.Parse(["--help"], out var help));
        Assert.Null(help);
        Assert.Null(LectureOptions.Parse(["--nonsense"], out var error));
        Assert.Contains("--nonsense", error, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => LectureOptions.Parse(["--data", TestPaths.Output("empty-data")], out _));
    }
}
