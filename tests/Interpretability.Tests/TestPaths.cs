namespace Interpretability.Tests;

/// <summary>Where the tests find their fixtures and write what they produce.</summary>
internal static class TestPaths
{
    /// <summary>The TestData folder copied next to the test assembly.</summary>
    public static string TestData { get; } = Path.Combine(AppContext.BaseDirectory, "TestData");

    /// <summary>The repository root (the folder holding Interpretability.sln).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>A fixture path under TestData.</summary>
    public static string Data(params string[] parts) => Path.Combine([TestData, .. parts]);

    /// <summary>A fresh folder for one test's output, under the test assembly's folder.</summary>
    public static string Output(string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "TestOutput", name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Interpretability.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Interpretability.sln not found above " + AppContext.BaseDirectory);
    }
}
