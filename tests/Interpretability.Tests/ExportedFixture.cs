using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Interpretability.Tests;

/// <summary>
/// A model exported by a real exporter (PyTorch, or onnx.helper where PyTorch cannot), with the
/// weights and a sample output exactly as the exporter saw them: TestData/exported/*.expected.json,
/// written by TestData/exported/make_fixtures.py.
/// </summary>
internal sealed record ExportedFixture
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public required string Model { get; init; }

    public string Covers { get; init; } = string.Empty;

    public string Producer { get; init; } = string.Empty;

    public long Opset { get; init; }

    public long IrVersion { get; init; }

    public IReadOnlyList<FixtureLayer> Layers { get; init; } = [];

    public IReadOnlyList<FixtureNode> Nodes { get; init; } = [];

    public FixtureSample? Sample { get; init; }

    [JsonIgnore]
    public string Folder { get; private init; } = string.Empty;

    [JsonIgnore]
    public string ModelPath => Path.Combine(Folder, Model);

    public override string ToString() => Model;

    /// <summary>Every fixture, by its JSON file name relative to TestData/exported.</summary>
    public static IEnumerable<string> All() =>
        Directory.EnumerateFiles(TestPaths.Data("exported"), "*.expected.json", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(TestPaths.Data("exported"), p))
            .Order(StringComparer.Ordinal);

    public static ExportedFixture Read(string relativeJson)
    {
        var path = Path.Combine(TestPaths.Data("exported"), relativeJson);
        var fixture = JsonSerializer.Deserialize<ExportedFixture>(File.ReadAllText(path), s_json)!;
        return fixture with { Folder = Path.GetDirectoryName(path)! };
    }

    public float[] ReadFloats(string file) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(Folder, file))).ToArray();
}

internal sealed record FixtureLayer(string Node, int NodeIndex, string OpType, IReadOnlyList<FixtureWeight> Weights);

internal sealed record FixtureWeight(string OnnxInput, int InputIndex, long[] Shape, string StoredDtype, bool Exact, string File);

internal sealed record FixtureNode(int Index, string Name, string OpType, string Kind);

internal sealed record FixtureSample(string InputName, string InputFile, long[] InputShape, string OutputFile, long[] OutputShape);
