using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Interpretability;

namespace FashionMnistLecture;

/// <summary>
/// The lecture, step by step. Each step says what it does on <see cref="Log"/>, writes its pictures
/// to the output folder, and returns what it found, so the tests run the same steps the program runs.
/// </summary>
public sealed class Lecture(LectureOptions options, TextWriter log) : IDisposable
{
    private const int Sneaker = 7;
    private const int AnkleBoot = 9;
    private const int TShirt = 0;
    private Model? _model;
    private (Tensor<float> Images, int[] Labels)? _testSet;

    /// <summary>Where the narration goes.</summary>
    public TextWriter Log { get; } = log;

    /// <summary>The options the lecture runs with.</summary>
    public LectureOptions Options { get; } = options;

    /// <summary>The model, loaded by <see cref="LoadModel"/>.</summary>
    public Model Model => _model ?? throw new InvalidOperationException("Call LoadModel first.");

    /// <summary>Every file the lecture wrote, in order.</summary>
    public List<PngFile> Written { get; } = [];

    /// <summary>Runs every step, as the program does.</summary>
    public void Run()
    {
        LoadModel();
        FirstLayerWeights();
        RenderKernels();
        var images = PickImages();
        CompareKernels(images);
        RenderFeatureMaps(images);
        Accuracy();
        Log.WriteLine();
        Log.WriteLine($"Wrote {Written.Count} pictures to {Path.GetFullPath(Options.OutputFolder)}:");
        foreach (var file in Written)
        {
            Log.WriteLine($"  {Path.GetFileName(file.Path)}  {file.Width}x{file.Height}");
        }
    }

    /// <summary>Step 1: load the model and print its summary.</summary>
    public Model LoadModel()
    {
        Step("1. The model");
        Log.WriteLine($"Loading {Options.ModelPath}");
        _model = Model.Load(Options.ModelPath);
        Log.WriteLine(_model.Summary());
        return _model;
    }

    /// <summary>Step 2: the first convolutional layer's weights, in ONNX and Keras order, and kernel 0 as a 3x3 array.</summary>
    public LayerWeights FirstLayerWeights()
    {
        Step("2. The first convolutional layer's weights");
        var conv = FirstConvolution;
        var weights = conv.GetWeights();
        var keras = weights.InKerasOrder();
        Log.WriteLine($"{conv.Name}: {conv.Filters} kernels of {conv.KernelSize.Height}x{conv.KernelSize.Width} over {conv.InputChannels} channel(s).");
        Log.WriteLine($"GetWeights() gives {weights.Count} arrays: kernels {Shape(weights.Kernel)} and biases {Shape(weights.Bias!)} in ONNX order (out, in, kh, kw);");
        Log.WriteLine($"in the lecture's Keras order (kh, kw, in, out) they are {Shape(keras.Kernel)} and {Shape(keras.Bias!)}.");
        Log.WriteLine(conv.Kernel(0).ToString());
        return weights;
    }

    /// <summary>Step 3: kernel 0 and all of the first layer's kernels as pictures.</summary>
    public void RenderKernels()
    {
        Step("3. The kernels as pictures");
        Save(FirstConvolution.Kernel(0).SavePng(OutputPath("conv1-kernel0.png")), "kernel 0, large, with its values (blue negative, red positive, white zero)");
        Save(FirstConvolution.Kernels().SavePng(OutputPath("conv1-kernels.png")), "all kernels of the first layer on one shared scale");
    }

    /// <summary>The test images the lecture uses.</summary>
    /// <param name="Shoe">The first sneaker or ankle boot of the test set, [28, 28] in [0, 1].</param>
    /// <param name="ShoeIndex">Its index in the test set.</param>
    /// <param name="ShoeClass">"Sneaker" or "Ankle boot".</param>
    /// <param name="Shirt">The first T-shirt/top, [28, 28].</param>
    /// <param name="ShirtIndex">Its index in the test set.</param>
    public sealed record LectureImages(Tensor<float> Shoe, int ShoeIndex, string ShoeClass, Tensor<float> Shirt, int ShirtIndex);

    /// <summary>Step 4: the first shoe and the first T-shirt of the test set, found by label.</summary>
    public LectureImages PickImages()
    {
        Step("4. Two test images");
        var (images, labels) = TestSet;
        var shoe = Array.FindIndex(labels, l => l is Sneaker or AnkleBoot);
        var shirt = Array.IndexOf(labels, TShirt);
        if (shoe < 0 || shirt < 0)
        {
            throw new InvalidOperationException("The test set has no shoe or no T-shirt/top.");
        }

        var picked = new LectureImages(Image(images, shoe), shoe, FashionMnist.ClassNames[labels[shoe]], Image(images, shirt), shirt);
        Log.WriteLine($"The first shoe is test image {shoe} ({picked.ShoeClass}); the first T-shirt/top is test image {shirt}.");
        return picked;
    }

    /// <summary>Step 5: convolve both images with kernels 0 and 1, draw the comparison, and say which edges each kernel emphasises, with the numbers.</summary>
    public IReadOnlyList<(int Kernel, string Image, EdgeProfile Profile)> CompareKernels(LectureImages images)
    {
        Step("5. What kernels 0 and 1 respond to");
        var conv = FirstConvolution;
        var kernels = conv.Kernels(0, 1);
        var responses = kernels.Convolve([images.Shoe, images.Shirt], [images.ShoeClass, "T-shirt/top"]);
        Save(responses.SavePng(OutputPath("conv1-kernels-0-1-responses.png")), "shoe and T-shirt convolved with kernels 0 and 1");

        var pads = conv.Options.ResolvePads(28, 28, conv.KernelSize.Height, conv.KernelSize.Width);
        var offsetY = (conv.KernelSize.Height / 2) - pads.Top;
        var offsetX = (conv.KernelSize.Width / 2) - pads.Left;
        var profiles = new List<(int, string, EdgeProfile)>();
        for (var k = 0; k < kernels.Count; k++)
        {
            foreach (var (image, name, row) in new[] { (images.Shoe, images.ShoeClass, 0), (images.Shirt, "T-shirt/top", 1) })
            {
                var profile = EdgeProfile.Measure(image, responses[row, k], offsetY, offsetX);
                profiles.Add((kernels.Indexes[k], name, profile));
                Log.WriteLine($"kernel {kernels.Indexes[k]} on the {name}: mean response on its {profile}.");
            }

            Log.WriteLine($"  => kernel {kernels.Indexes[k]} {Describe(profiles[^2].Item3, profiles[^1].Item3)}");
        }

        return profiles;
    }

    /// <summary>Step 6: the network's own feature maps of both convolutional layers for the shoe (and the T-shirt), read through ONNX Runtime.</summary>
    public void RenderFeatureMaps(LectureImages images)
    {
        Step("6. The network's own feature maps");
        var convolutions = Model.Layers.OfType<Conv2DLayer>().ToArray();
        for (var i = 0; i < convolutions.Length; i++)
        {
            var layer = convolutions[i];
            var maps = layer.FeatureMaps(images.Shoe);
            Save(maps.SavePng(OutputPath($"conv{i + 1}-feature-maps-shoe.png")), $"{layer.Name}'s {maps.Maps[0].Lengths[0]} feature maps for the {images.ShoeClass}");
        }

        var both = convolutions[0].FeatureMaps([images.Shoe, images.Shirt], [images.ShoeClass, "T-shirt/top"]);
        Save(both.SavePng(OutputPath("conv1-feature-maps-shoe-shirt.png")), "the first layer's feature maps for both images, on one scale");
    }

    /// <summary>Step 7: the model's accuracy on the test images, through the library.</summary>
    public double Accuracy()
    {
        Step("7. Accuracy");
        var (images, labels) = TestSet;
        var count = labels.Length;
        var correct = 0;
        const int Batch = 500;
        var watch = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        for (var start = 0; start < count; start += Batch)
        {
            var n = Math.Min(Batch, count - start);
            var batch = Tensor.Create(images.GetSpan([start, 0, 0], n * 28 * 28).ToArray(), [n, 1, 28, 28]);
            var probabilities = Model.Run(batch);
            for (var i = 0; i < n; i++)
            {
                var row = probabilities.GetSpan([i, 0], 10);
                if (row.IndexOf(TensorPrimitives.Max(row)) == labels[start + i])
                {
                    correct++;
                }
            }

            if (watch.Elapsed - lastReport > TimeSpan.FromSeconds(1))
            {
                lastReport = watch.Elapsed;
                Log.WriteLine($"  ... {start + n:N0} of {count:N0} images");
            }
        }

        var accuracy = correct / (double)count;
        Log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Accuracy on {count:N0} test images ({Path.GetFileName(Options.ImagesPath)}): {correct:N0} correct, {accuracy:P2}."));
        return accuracy;
    }

    /// <inheritdoc/>
    public void Dispose() => _model?.Dispose();

    /// <summary>"3x3x1x5".</summary>
    public static string Shape(Tensor<float> tensor) =>
        string.Join("x", tensor.Lengths.ToArray().Select(l => l.ToString(CultureInfo.InvariantCulture)));

    private Conv2DLayer FirstConvolution => Model.Layers.OfType<Conv2DLayer>().First();

    private (Tensor<float> Images, int[] Labels) TestSet
    {
        get
        {
            if (_testSet is null)
            {
                Log.WriteLine($"Reading test images from {Options.ImagesPath}");
                _testSet = FashionMnist.Load(Options.ImagesPath, Options.LabelsPath);
            }

            return _testSet.Value;
        }
    }

    private static Tensor<float> Image(Tensor<float> images, int index) =>
        Tensor.Create(images.GetSpan([index, 0, 0], 28 * 28).ToArray(), [28, 28]);

    /// <summary>
    /// A sentence from two measured profiles: the edge kinds whose mean response, averaged over both
    /// images, is within 75 % of the strongest, with their signs and each image's numbers.
    /// </summary>
    public static string Describe(EdgeProfile shoe, EdgeProfile shirt)
    {
        var averaged = shoe.Edges.Zip(shirt.Edges, (a, b) => (a.Edge, Value: (a.Value + b.Value) / 2)).ToArray();
        var strongest = averaged.Max(e => Math.Abs(e.Value));
        var chosen = averaged.Where(e => Math.Abs(e.Value) >= 0.75 * strongest).OrderByDescending(e => Math.Abs(e.Value)).ToArray();
        var opposite = averaged.Where(e => !chosen.Contains(e) && Math.Abs(e.Value) >= 0.5 * strongest && Math.Sign(e.Value) != Math.Sign(chosen[0].Value)).ToArray();
        string Phrase(IEnumerable<(string Edge, double Value)> edges) => string.Join(", ", edges.Select(e =>
            $"{(e.Value > 0 ? "up" : "down")} on {e.Edge} edges (shoe {EdgeProfile.FormatSigned(shoe.Edges.First(x => x.Edge == e.Edge).Value)}, T-shirt {EdgeProfile.FormatSigned(shirt.Edges.First(x => x.Edge == e.Edge).Value)})"));
        var orientation = chosen.All(e => e.Edge is "left" or "right") ? "vertical edges"
            : chosen.All(e => e.Edge is "top" or "bottom") ? "horizontal edges"
            : $"the {string.Join("-", chosen.Select(e => e.Edge).Take(2))} outline";
        var contrast = opposite.Length > 0 ? $", and the other way, {Phrase(opposite)}" : string.Empty;
        return $"mostly detects {orientation}: {Phrase(chosen)}{contrast}.";
    }

    private void Step(string title)
    {
        Log.WriteLine();
        Log.WriteLine(title);
        Log.WriteLine(new string('-', title.Length));
    }

    private string OutputPath(string file) => Path.Combine(Options.OutputFolder, file);

    private void Save(PngFile file, string what)
    {
        Written.Add(file);
        Log.WriteLine($"Wrote {Path.GetFileName(file.Path)} ({file.Width}x{file.Height}): {what}.");
    }
}
