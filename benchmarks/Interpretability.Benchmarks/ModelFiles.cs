namespace Interpretability.Benchmarks;

/// <summary>The repository's models, found from the benchmark's folder upwards (BenchmarkDotNet runs from its own build folder).</summary>
internal static class ModelFiles
{
    private static readonly string s_root = FindRoot();

    /// <summary>The lecture's Fashion-MNIST CNN.</summary>
    public static string Lecture => Path.Combine(s_root, "samples", "FashionMnistLecture", "model", "fashion_cnn.onnx");

    /// <summary>SqueezeNet 1.1 (torchvision's architecture, seeded random weights).</summary>
    public static string SqueezeNet => Path.Combine(s_root, "tests", "Interpretability.Tests", "TestData", "real", "squeezenet1_1.onnx");

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Interpretability.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Run the benchmarks from inside the repository: Interpretability.sln was not found above " + AppContext.BaseDirectory);
    }
}
