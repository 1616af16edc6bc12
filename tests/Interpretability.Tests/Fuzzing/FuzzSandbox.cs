using System.Diagnostics;
using Interpretability.Onnx;

namespace Interpretability.Tests.Fuzzing;

/// <summary>
/// A model folder for external-data fuzzing, with everything a hostile location could aim at
/// around it: canary files outside the folder (a regular file and a FIFO), and inside it a
/// symbolic link to the canary, a link to the folder above, a hard link to the canary, a FIFO, a
/// directory, a link loop. <see cref="Locations"/> lists good and hostile locations for the
/// mutator. Every file the library opens for external data is recorded per case (through the
/// library's <see cref="ExternalData.Opening"/> hook, which fires just before the open) and
/// checked to be a regular file inside the folder.
/// </summary>
internal sealed class FuzzSandbox : IDisposable
{
    private static readonly AsyncLocal<List<string>?> s_opened = new();

    public FuzzSandbox()
    {
        Root = Directory.CreateTempSubdirectory("interpretability-fuzz-").FullName;
        Folder = Directory.CreateDirectory(Path.Combine(Root, "model")).FullName;
        Canary = Path.Combine(Root, "canary.bin");
        File.WriteAllBytes(Canary, new byte[1 << 16]);
        foreach (var file in Directory.GetFiles(TestPaths.Data("exported", "external")))
        {
            File.Copy(file, Path.Combine(Folder, Path.GetFileName(file)));
        }

        Directory.CreateDirectory(Path.Combine(Folder, "subdir"));
        File.WriteAllBytes(Path.Combine(Folder, "subdir", "inner.bin"), new byte[4096]);
        var hostile = new List<string>();
        if (OperatingSystem.IsLinux())
        {
            Run("mkfifo", Path.Combine(Root, "canary.fifo"));
            Run("mkfifo", Path.Combine(Folder, "fifo"));
            Run("ln", Canary, Path.Combine(Folder, "hardlink.bin"));
            File.CreateSymbolicLink(Path.Combine(Folder, "link-out.bin"), "../canary.bin");
            File.CreateSymbolicLink(Path.Combine(Folder, "link-fifo"), "../canary.fifo");
            File.CreateSymbolicLink(Path.Combine(Folder, "link-abs.bin"), Canary);
            Directory.CreateSymbolicLink(Path.Combine(Folder, "linkdir"), "..");
            File.CreateSymbolicLink(Path.Combine(Folder, "loop"), "loop");
            File.CreateSymbolicLink(Path.Combine(Folder, "link-in.bin"), "subdir/inner.bin");
            File.CreateSymbolicLink(Path.Combine(Folder, "link-null"), "/dev/null");
            hostile.AddRange(["fifo", "hardlink.bin", "link-out.bin", "link-fifo", "link-abs.bin", "linkdir/canary.bin", "linkdir/canary.fifo", "loop", "link-in.bin", "link-null", "linkdir/model/subdir/inner.bin"]);
        }

        string[] inside = [.. Directory.GetFiles(Folder).Select(Path.GetFileName).Where(n => n!.EndsWith(".data", StringComparison.Ordinal) || n.EndsWith(".weight", StringComparison.Ordinal) || n.EndsWith(".bias", StringComparison.Ordinal)).Select(n => n!)];
        Locations =
        [
            .. inside, .. inside, "subdir/inner.bin", "./subdir/inner.bin", "subdir//inner.bin", "subdir/./inner.bin", .. hostile,
            "../canary.bin", "subdir/../../canary.bin", "subdir/../inner.bin", Canary, "/etc/passwd", "/dev/zero", "/proc/self/mem", "/dev/stdin",
            "..", ".", string.Empty, "subdir", "subdir/", "..\\canary.bin", "subdir\\inner.bin", "C:\\Windows\\win.ini", "C:canary.bin", "\\\\server\\share\\x",
            "a\0b", "~/canary.bin", "%2e%2e/canary.bin", "file:///etc/passwd", "canary.fifo", "missing.bin", new string('a', 5000), "subdir/" + new string('b', 300),
        ];
        ExternalData.Opening += Record;
    }

    public string Root { get; }

    public string Folder { get; }

    public string Canary { get; }

    public IReadOnlyList<string> Locations { get; }

    /// <summary>Starts recording external-data opens on this logical thread (and the tasks it starts).</summary>
    public static List<string> BeginCase() => s_opened.Value = [];

    /// <summary>Throws when a recorded open was outside the folder or not a regular file inside it.</summary>
    public void CheckOpened(List<string> opened)
    {
        var prefix = Folder + Path.DirectorySeparatorChar;
        foreach (var path in opened)
        {
            var info = new FileInfo(path);
            var real = info.LinkTarget is null ? info.FullName : info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.FullName;
            if (!Path.GetFullPath(path).StartsWith(prefix, StringComparison.Ordinal) || !real.StartsWith(prefix, StringComparison.Ordinal)
                || path.Contains("canary", StringComparison.Ordinal) || real.Contains("canary", StringComparison.Ordinal))
            {
                throw new FuzzEscapeException($"external data was opened outside the model folder: '{path}' (really '{real}').");
            }

            if (!FileStatus.TryGet(real, followLinks: false, out var status) || !status.IsRegularFile || status.LinkCount > 1)
            {
                throw new FuzzEscapeException($"external data was opened from '{path}', which is not a regular file with one link.");
            }
        }
    }

    public void Dispose()
    {
        ExternalData.Opening -= Record;
        Directory.Delete(Root, recursive: true);
    }

    private static void Record(string path) => s_opened.Value?.Add(path);

    private static void Run(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true })!;
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} failed: {process.StandardError.ReadToEnd()}");
        }
    }
}

/// <summary>The library read a file it should not have: never a documented outcome.</summary>
internal sealed class FuzzEscapeException(string message) : Exception(message);
