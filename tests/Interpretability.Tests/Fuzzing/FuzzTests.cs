using Xunit.Abstractions;

namespace Interpretability.Tests.Fuzzing;

/// <summary>
/// A seeded mutation fuzzer over the repository's real models, images and IDX files: byte flips,
/// random bytes, truncations, insertions, deletions and duplicated chunks, and structure-aware
/// mutations (ONNX fields through the library's own schema classes, PNG chunks with their CRC
/// fixed, pixel data inside the zlib stream, JPEG frame sizes, IDX headers inside gzip). Each case
/// loads the result and uses all of it (summary, every layer's weights, parameter counts, shapes,
/// attributes, and an ONNX Runtime run of the small models). Only the documented exceptions may
/// come out (see <see cref="FuzzTargets"/>); no case may hang, and no external-data case may open a
/// file outside the model's folder.
/// </summary>
/// <remarks>
/// In <c>dotnet test</c> each target runs a fixed number of cases from a fixed seed. For a long run:
/// <code>
/// INTERPRETABILITY_FUZZ_CASES=200000 INTERPRETABILITY_FUZZ_SEED=42 \
///   dotnet test tests/Interpretability.Tests -c Release --filter FullyQualifiedName~FuzzTests \
///   --logger "console;verbosity=detailed"
/// </code>
/// <c>INTERPRETABILITY_FUZZ_CASES</c> is the number of cases per target, <c>INTERPRETABILITY_FUZZ_SEED</c>
/// the master seed, <c>INTERPRETABILITY_FUZZ_TIMEOUT</c> the seconds after which one case counts as a
/// hang (30). Each target writes its counts, throughput and failures to
/// <c>TestOutput/fuzz/&lt;target&gt;.summary.txt</c> under the test assembly's folder, and the input
/// of every failing case next to it; a case's seed is printed so it can be replayed.
/// </remarks>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private void Report(FuzzRunner.Result result)
    {
        output.WriteLine(result.Describe());
        Assert.True(result.Failures.Count == 0, result.Describe());
    }

    [Fact]
    public void Fuzz_ModelsRaiseOnlyDocumentedExceptions()
    {
        var noLocations = new[] { "weights.bin", "../weights.bin", "/etc/passwd" };
        Report(FuzzRunner.Run("models", FuzzSettings.Cases(5000), (fuzzCase, random) =>
        {
            var seed = FuzzCorpus.PickModel(random);
            fuzzCase.Source = seed.Name;
            var bytes = MutateModel(seed.Bytes, random, fuzzCase.Log, noLocations);
            fuzzCase.Input = bytes;
            var run = bytes.Length < 64_000 && random.Next(2) == 0;
            FuzzTargets.Model(fuzzCase, () => Model.Load(bytes, options: FuzzTargets.Options), run, random);
        }));
    }

    [Fact]
    public void Fuzz_ExternalDataNeverLeavesTheModelFolder()
    {
        using var sandbox = new FuzzSandbox();
        var seeds = Directory.GetFiles(sandbox.Folder, "*.onnx").Order(StringComparer.Ordinal).Select(f => (Name: Path.GetFileName(f), Bytes: File.ReadAllBytes(f))).ToArray();
        Report(FuzzRunner.Run("external", FuzzSettings.Cases(2000), (fuzzCase, random) =>
        {
            var opened = FuzzSandbox.BeginCase();
            var seed = seeds[random.Next(seeds.Length)];
            fuzzCase.Source = seed.Name;
            var bytes = MutateModel(seed.Bytes, random, fuzzCase.Log, sandbox.Locations, structural: 4);
            fuzzCase.Input = bytes;
            var run = random.Next(3) == 0;
            if (random.Next(2) == 0)
            {
                var path = Path.Combine(sandbox.Folder, $"fuzz-{Environment.CurrentManagedThreadId}.onnx");
                File.WriteAllBytes(path, bytes);
                FuzzTargets.Model(fuzzCase, () => Model.Load(path, FuzzTargets.Options), run, random);
            }
            else
            {
                FuzzTargets.Model(fuzzCase, () => Model.Load(bytes, sandbox.Folder, FuzzTargets.Options), run, random);
            }

            sandbox.CheckOpened(opened);
            if (opened.Count > 0)
            {
                fuzzCase.Outcomes.Add("external files opened, all inside the folder");
            }
        }));
    }

    [Fact]
    public void Fuzz_ImagesRaiseOnlyInvalidImageException()
    {
        var folder = TestPaths.Output("fuzz-images");
        Report(FuzzRunner.Run("images", FuzzSettings.Cases(4000), (fuzzCase, random) =>
        {
            var seed = FuzzCorpus.Images[random.Next(FuzzCorpus.Images.Count)];
            fuzzCase.Source = seed.Name;
            var bytes = random.Next(3) == 0 ? ByteMutator.Mutate(seed.Bytes, random, fuzzCase.Log)
                : seed.Name.EndsWith(".png", StringComparison.Ordinal) ? ImageMutator.MutatePng(seed.Bytes, random, fuzzCase.Log)
                : ImageMutator.MutateJpeg(seed.Bytes, random, fuzzCase.Log);
            fuzzCase.Input = bytes;
            string? path = null;
            if (random.Next(4) == 0)
            {
                path = Path.Combine(folder, $"case{Environment.CurrentManagedThreadId}{(random.Next(2) == 0 ? ".png" : ".jpg")}");
                File.WriteAllBytes(path, bytes);
            }

            FuzzTargets.Image(fuzzCase, bytes, path, random);
        }));
    }

    [Fact]
    public void Fuzz_IdxRaisesOnlyInvalidIdxException()
    {
        Report(FuzzRunner.Run("idx", FuzzSettings.Cases(4000), (fuzzCase, random) =>
        {
            var seed = FuzzCorpus.IdxFiles[random.Next(FuzzCorpus.IdxFiles.Count)];
            fuzzCase.Source = seed.Name;
            var bytes = ImageMutator.MutateIdx(seed.Bytes, random, fuzzCase.Log);
            fuzzCase.Input = bytes;
            FuzzTargets.Idx(fuzzCase, bytes, random);
        }));
    }

    /// <summary>Byte-level, structural, or both; <paramref name="structural"/> out of 5 cases are structural.</summary>
    private static byte[] MutateModel(byte[] seed, Random random, List<string> log, IReadOnlyList<string> locations, int structural = 3)
    {
        var choice = random.Next(5);
        if (choice < structural && ModelMutator.Mutate(seed, random, log, locations) is { } mutated)
        {
            return random.Next(6) == 0 ? ByteMutator.Mutate(mutated, random, log) : mutated;
        }

        return ByteMutator.Mutate(seed, random, log);
    }
}
