using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Interpretability.Tests;

/// <summary>
/// The README's lecture code compiles against the library and runs on the sample's model and images.
/// Runs alone (it changes the current folder, as the README's relative paths need).
/// </summary>
[Collection(nameof(ReadmeTests))]
[CollectionDefinition(nameof(ReadmeTests), DisableParallelization = true)]
public partial class ReadmeTests
{
    [GeneratedRegex("## The lecture in ten lines.*?```csharp\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex LectureBlock();

    [Fact]
    public void Readme_LectureCodeCompilesAndRuns()
    {
        var readme = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "README.md"));
        var match = LectureBlock().Match(readme);
        Assert.True(match.Success, "README.md has no C# block under '## The lecture in ten lines'.");
        var assembly = Compile(match.Groups["code"].Value);

        var folder = TestPaths.Output(nameof(Readme_LectureCodeCompilesAndRuns));
        var sample = Path.Combine(TestPaths.RepositoryRoot, "samples", "FashionMnistLecture");
        File.Copy(Path.Combine(sample, "model", "fashion_cnn.onnx"), Path.Combine(folder, "fashion_cnn.onnx"), overwrite: true);
        File.Copy(Path.Combine(sample, "images", "ankle-boot.png"), Path.Combine(folder, "ankle-boot.png"), overwrite: true);
        File.Copy(Path.Combine(sample, "images", "t-shirt.png"), Path.Combine(folder, "t-shirt.png"), overwrite: true);
        foreach (var png in new[] { "kernels.png", "responses.png", "feature-maps.png" })
        {
            File.Delete(Path.Combine(folder, png));
        }

        var previousFolder = Environment.CurrentDirectory;
        var previousOut = Console.Out;
        using var output = new StringWriter();
        try
        {
            Environment.CurrentDirectory = folder;
            Console.SetOut(output);
            var entry = assembly.EntryPoint!;
            entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
        }
        finally
        {
            Console.SetOut(previousOut);
            Environment.CurrentDirectory = previousFolder;
        }

        var printed = output.ToString();
        Assert.Contains("/conv1/Conv (Conv)", printed, StringComparison.Ordinal);
        Assert.Contains("Total params: 87,150", printed, StringComparison.Ordinal);
        Assert.Contains("/conv1/Conv kernel 0:", printed, StringComparison.Ordinal);
        foreach (var png in new[] { "kernels.png", "responses.png", "feature-maps.png" })
        {
            Assert.True(new FileInfo(Path.Combine(folder, png)).Length > 1000, $"{png} was not written.");
        }
    }

    private static Assembly Compile(string code)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var tree = CSharpSyntaxTree.ParseText(code, parse);

        // The implicit usings of a `dotnet new console` project, where a reader pastes this code.
        var implicitUsings = CSharpSyntaxTree.ParseText(
            "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; "
            + "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;", parse);
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat([typeof(Model).Assembly.Location, typeof(System.Numerics.Tensors.Tensor).Assembly.Location])
            .Distinct()
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create(
            "ReadmeLecture",
            [tree, implicitUsings],
            references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        Assert.True(result.Success, "The README's code does not compile:\n" + string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        image.Position = 0;
        return new AssemblyLoadContext("readme", isCollectible: true).LoadFromStream(image);
    }
}
