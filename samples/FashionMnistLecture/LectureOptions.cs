namespace FashionMnistLecture;

/// <summary>What the lecture runs on and where it writes its pictures.</summary>
/// <param name="OutputFolder">Where the PNGs go (created if missing).</param>
/// <param name="ModelPath">The ONNX model.</param>
/// <param name="ImagesPath">Fashion-MNIST test images (IDX, plain or gzip).</param>
/// <param name="LabelsPath">Fashion-MNIST test labels (IDX, plain or gzip).</param>
public sealed record LectureOptions(string OutputFolder, string ModelPath, string ImagesPath, string LabelsPath)
{
    /// <summary>The model and the 1,000 test images shipped next to the program.</summary>
    public static LectureOptions Shipped(string outputFolder) => new(
        outputFolder,
        Path.Combine(AppContext.BaseDirectory, "model", "fashion_cnn.onnx"),
        Path.Combine(AppContext.BaseDirectory, "data", "t10k-images-1000-idx3-ubyte"),
        Path.Combine(AppContext.BaseDirectory, "data", "t10k-labels-1000-idx1-ubyte"));

    /// <summary>Parses the command line; null when help was asked for or the arguments are wrong (the message is in <paramref name="error"/>).</summary>
    public static LectureOptions? Parse(string[] args, out string? error)
    {
        error = null;
        var output = "lecture-output";
        string? data = null;
        string? model = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help":
                    return null;
                case "-o" or "--output" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                case "--data" when i + 1 < args.Length:
                    data = args[++i];
                    break;
                case "--model" when i + 1 < args.Length:
                    model = args[++i];
                    break;
                case var positional when !positional.StartsWith('-'):
                    output = positional;
                    break;
                default:
                    error = $"Unknown or incomplete argument '{args[i]}'.";
                    return null;
            }
        }

        var options = Shipped(output);
        if (model is not null)
        {
            options = options with { ModelPath = model };
        }

        if (data is not null)
        {
            options = options with { ImagesPath = FindIdx(data, "t10k-images-idx3-ubyte"), LabelsPath = FindIdx(data, "t10k-labels-idx1-ubyte") };
        }

        return options;
    }

    /// <summary>The IDX file in <paramref name="folder"/>, compressed or not.</summary>
    private static string FindIdx(string folder, string name)
    {
        foreach (var candidate in new[] { name, name + ".gz" })
        {
            var path = Path.Combine(folder, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException($"--data: neither {name} nor {name}.gz is in '{folder}'.");
    }

    /// <summary>The text --help prints.</summary>
    public const string Usage = """
        FashionMnistLecture: the lecture on interpreting a CNN, run on a real trained network.

        Usage: dotnet run --project samples/FashionMnistLecture -- [options] [output-folder]

          -o, --output <folder>  where the pictures go (default: lecture-output)
              --data <folder>    a folder with the full Fashion-MNIST test set
                                 (t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]);
                                 default: the first 1,000 test images shipped with the sample
              --model <file>     another ONNX model with the same input (default: the shipped one)
          -h, --help             show this text
        """;
}
