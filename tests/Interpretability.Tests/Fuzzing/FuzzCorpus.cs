namespace Interpretability.Tests.Fuzzing;

/// <summary>The real files the fuzzer starts from: the repository's models, images and IDX files.</summary>
internal static class FuzzCorpus
{
    private static readonly Lazy<Seed[]> s_models = new(LoadModels);
    private static readonly Lazy<Seed[]> s_images = new(() => Read(Directory.GetFiles(TestPaths.Data("images")).Where(f => f.EndsWith(".png", StringComparison.Ordinal) || f.EndsWith(".jpg", StringComparison.Ordinal))));
    private static readonly Lazy<Seed[]> s_idx = new(() => Read([
        .. Directory.GetFiles(TestPaths.Data("idx"), "*.gz"),
        .. Directory.GetFiles(Path.Combine(TestPaths.RepositoryRoot, "samples", "FashionMnistLecture", "data"), "*-ubyte"),
    ]));

    /// <summary>A seed file: its name (relative to the repository) and bytes.</summary>
    public sealed record Seed(string Name, byte[] Bytes);

    /// <summary>Every self-contained model: the lecture model, the exporter fixtures, ONNX's backend test models and SqueezeNet.</summary>
    public static IReadOnlyList<Seed> Models => s_models.Value;

    public static IReadOnlyList<Seed> Images => s_images.Value;

    public static IReadOnlyList<Seed> IdxFiles => s_idx.Value;

    /// <summary>Picks a model, SqueezeNet (4.8 MB) rarely so that it does not dominate the time.</summary>
    public static Seed PickModel(Random random)
    {
        var models = Models;
        var large = models.Where(m => m.Bytes.Length > 1_000_000).ToArray();
        if (large.Length > 0 && random.Next(50) == 0)
        {
            return large[random.Next(large.Length)];
        }

        var small = models.Where(m => m.Bytes.Length <= 1_000_000).ToArray();
        return small[random.Next(small.Length)];
    }

    private static Seed[] LoadModels()
    {
        var root = TestPaths.RepositoryRoot;
        var files = new List<string>
        {
            Path.Combine(root, "samples", "FashionMnistLecture", "model", "fashion_cnn.onnx"),
            TestPaths.Data("real", "squeezenet1_1.onnx"),
        };
        files.AddRange(Directory.GetFiles(TestPaths.Data("exported"), "*.onnx"));
        files.AddRange(Directory.GetFiles(TestPaths.Data("onnx-backend"), "model.onnx", SearchOption.AllDirectories));
        return Read(files);
    }

    private static Seed[] Read(IEnumerable<string> files) =>
        [.. files.Order(StringComparer.Ordinal).Select(f => new Seed(Name(f), File.ReadAllBytes(f)))];

    private static string Name(string file) => file.StartsWith(TestPaths.TestData, StringComparison.Ordinal)
        ? Path.Combine("TestData", Path.GetRelativePath(TestPaths.TestData, file))
        : Path.GetRelativePath(TestPaths.RepositoryRoot, file);
}
