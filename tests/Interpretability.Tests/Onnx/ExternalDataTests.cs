using System.Diagnostics;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Interpretability.Onnx;
using Interpretability.Onnx.Schema;
using static Interpretability.Tests.Onnx.OnnxBuilder;

namespace Interpretability.Tests.Onnx;

/// <summary>
/// External data may only come from regular files inside the model's folder. Every hostile
/// location is refused with the documented exception, and a canary file outside the folder is
/// never opened: the library's open hook never sees it, and a FIFO canary would hang any open.
/// </summary>
[Collection(nameof(ExternalDataTests))]
[CollectionDefinition(nameof(ExternalDataTests), DisableParallelization = true)]
public sealed class ExternalDataTests : IDisposable
{
    private static readonly float[] s_kernel = [.. Enumerable.Range(0, 9).Select(i => i - 4f)];
    private readonly string _root;
    private readonly string _folder;
    private readonly string _canary;
    private readonly string _canaryFifo;
    private readonly List<string> _opened = [];

    public ExternalDataTests()
    {
        _root = Directory.CreateTempSubdirectory("interpretability-external-").FullName;
        _folder = Directory.CreateDirectory(Path.Combine(_root, "model")).FullName;
        _canary = Path.Combine(_root, "canary.bin");
        File.WriteAllBytes(_canary, MemoryMarshal.AsBytes(s_kernel.AsSpan()).ToArray());
        _canaryFifo = Path.Combine(_root, "canary.fifo");
        Run("mkfifo", _canaryFifo);
        ExternalData.Opening += Record;
    }

    public void Dispose()
    {
        ExternalData.Opening -= Record;
        Directory.Delete(_root, recursive: true);
    }

    private void Record(string path)
    {
        lock (_opened)
        {
            _opened.Add(path);
        }
    }

    private static void Run(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true })!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', arguments)} failed: {process.StandardError.ReadToEnd()}");
    }

    /// <summary>A one-Conv model whose kernel W is external data, written into the model folder.</summary>
    private string WriteModel(params (string Key, string Value)[] entries)
    {
        var model = Conv(s_kernel, [1, 1, 3, 3]);
        var weight = model.Graph.Initializer[0];
        weight.ClearRawData();
        weight.DataLocation = 1;
        foreach (var (key, value) in entries)
        {
            weight.ExternalData.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        var path = Path.Combine(_folder, "model.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    private void WriteData(string relative, int offset = 0)
    {
        var path = Path.Combine(_folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [.. new byte[offset], .. MemoryMarshal.AsBytes(s_kernel.AsSpan()).ToArray()]);
    }

    /// <summary>Loads on another thread so that an accidental open of a FIFO fails the test instead of hanging it.</summary>
    private static T LoadFails<T>(string path)
        where T : Exception
    {
        var task = Task.Run(() => Assert.Throws<T>(() =>
        {
            using var model = Model.Load(path);
            _ = model.Layers[0].GetWeights();
        }));
        Assert.True(task.Wait(TimeSpan.FromSeconds(20)), "Loading hung: a FIFO or device was opened.");
        return task.Result;
    }

    private void AssertCanaryUntouched()
    {
        lock (_opened)
        {
            Assert.DoesNotContain(_opened, p => p.Contains("canary", StringComparison.Ordinal));
            Assert.Empty(_opened);
        }
    }

    [Fact]
    public void GetWeights_ReadsExternalDataInsideTheFolder()
    {
        WriteData("weights/w.bin", offset: 16);
        var path = WriteModel(("location", "weights/w.bin"), ("offset", "16"), ("length", "36"));

        using var model = Model.Load(path);

        Assert.Equal(s_kernel, model.Layers[0].GetWeights().Kernel.ToArray());
        Assert.Equal([Path.Combine(_folder, "weights", "w.bin")], _opened);
    }

    [Fact]
    public void GetWeights_FollowsASymbolicLinkThatStaysInside()
    {
        WriteData("real.bin");
        File.CreateSymbolicLink(Path.Combine(_folder, "alias.bin"), "real.bin");
        var path = WriteModel(("location", "alias.bin"));

        using var model = Model.Load(path);

        Assert.Equal(s_kernel, model.Layers[0].GetWeights().Kernel.ToArray());
    }

    [Theory]
    [InlineData("../canary.bin", "'..'")]
    [InlineData("sub/../../canary.bin", "'..'")]
    [InlineData("./../canary.bin", "'..'")]
    [InlineData("..\\canary.bin", "backslash")]
    [InlineData("C:\\canary.bin", "backslash")]
    [InlineData("C:canary.bin", "absolute")]
    public void Load_RefusesLocationsThatLeaveTheFolder(string location, string reason)
    {
        var ex = LoadFails<UnsafeExternalDataPathException>(WriteModel(("location", location)));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.Contains("'W'", ex.Message, StringComparison.Ordinal);
        AssertCanaryUntouched();
    }

    [Fact]
    public void Load_RefusesAnAbsolutePath()
    {
        var ex = LoadFails<UnsafeExternalDataPathException>(WriteModel(("location", _canary)));

        Assert.Contains("absolute", ex.Message, StringComparison.Ordinal);
        AssertCanaryUntouched();
    }

    [Theory]
    [InlineData("canary.bin")]
    [InlineData("canary.fifo")]
    public void Load_RefusesASymbolicLinkToAFileOutside(string target)
    {
        File.CreateSymbolicLink(Path.Combine(_folder, "w.bin"), Path.Combine(_root, target));

        var ex = LoadFails<UnsafeExternalDataPathException>(WriteModel(("location", "w.bin")));

        Assert.Contains("outside the model's folder", ex.Message, StringComparison.Ordinal);
        AssertCanaryUntouched();
    }

    [Fact]
    public void Load_RefusesARelativeSymbolicLinkChainThatLeaves()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "a"));
        File.CreateSymbolicLink(Path.Combine(_folder, "a", "up"), "..");
        File.CreateSymbolicLink(Path.Combine(_folder, "w.bin"), "a/up/../canary.bin");

        var ex = LoadFails<UnsafeExternalDataPathException>(WriteModel(("location", "w.bin")));

        Assert.Contains("outside", ex.Message, StringComparison.Ordinal);
        AssertCanaryUntouched();
    }

    [Fact]
    public void Load_RefusesASymbolicLinkToAFolderOutside()
    {
        Directory.CreateSymbolicLink(Path.Combine(_folder, "data"), _root);

        var ex = LoadFails<UnsafeExternalDataPathException>(WriteModel(("location", "data/canary.bin")));

        Assert.Contains("outside the model's folder", ex.Message, StringComparison.Ordinal);
        AssertCanaryUntouched();
    }

    [Fact]
    public void Load_RefusesAHardLinkedFile()
    {
        Run("ln", _canary, Path.Combine(_folder, "w.bin"));

        var ex = LoadFails<UnsafeExternalDataPathException>(WriteModel(("location", "w.bin")));

        Assert.Contains("2 hard links", ex.Message, StringComparison.Ordinal);
        AssertCanaryUntouched();
    }

    [Fact]
    public void Load_RefusesAFifoInsideTheFolderWithoutOpeningIt()
    {
        Run("mkfifo", Path.Combine(_folder, "w.fifo"));

        var ex = LoadFails<UnsafeExternalDataPathException>(WriteModel(("location", "w.fifo")));

        Assert.Contains("FIFO", ex.Message, StringComparison.Ordinal);
        AssertCanaryUntouched();
    }

    [Fact]
    public void Load_RefusesADeviceInsideTheFolder()
    {
        // Debian's mknod needs root, which this machine's test runs have; the device is /dev/zero's (1, 5).
        Run("mknod", Path.Combine(_folder, "w.dev"), "c", "1", "5");

        var ex = LoadFails<UnsafeExternalDataPathException>(WriteModel(("location", "w.dev")));

        Assert.Contains("character device", ex.Message, StringComparison.Ordinal);
        AssertCanaryUntouched();
    }

    [Fact]
    public void Load_RefusesADirectory()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "w.bin"));

        var ex = LoadFails<UnsafeExternalDataPathException>(WriteModel(("location", "w.bin")));

        Assert.Contains("directory", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ReportsAMissingFile()
    {
        var ex = LoadFails<ExternalDataException>(WriteModel(("location", "missing.bin")));

        Assert.Contains("'missing.bin' does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("offset", "-1")]
    [InlineData("offset", "12abc")]
    [InlineData("offset", " 4")]
    [InlineData("offset", "1e3")]
    [InlineData("offset", "")]
    [InlineData("length", "99999999999999999999")]
    [InlineData("length", "+36")]
    public void Load_RefusesMalformedOffsetsAndLengths(string key, string value)
    {
        WriteData("w.bin");

        var ex = LoadFails<ExternalDataException>(WriteModel(("location", "w.bin"), (key, value)));

        Assert.Contains($"{key} '{value}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RefusesALengthThatDoesNotMatchTheTensor()
    {
        WriteData("w.bin");

        var ex = LoadFails<ExternalDataException>(WriteModel(("location", "w.bin"), ("length", "32")));

        Assert.Contains("length 32 does not match the 36 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("9223372036854775807")]
    [InlineData("1")]
    [InlineData("40")]
    public void Load_RefusesDataBeyondTheEndOfTheFile(string offset)
    {
        WriteData("w.bin");

        var ex = LoadFails<ExternalDataException>(WriteModel(("location", "w.bin"), ("offset", offset)));

        Assert.Contains("reaches beyond it", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RefusesDuplicateAndMissingLocations()
    {
        WriteData("w.bin");

        Assert.Contains("more than once", LoadFails<ExternalDataException>(WriteModel(("location", "w.bin"), ("location", "w.bin"))).Message, StringComparison.Ordinal);
        Assert.Contains("no 'location'", LoadFails<ExternalDataException>(WriteModel(("offset", "0"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FromAStreamWithoutABaseFolderExplainsWhatIsMissing()
    {
        WriteData("w.bin");
        var path = WriteModel(("location", "w.bin"));

        using var stream = File.OpenRead(path);
        var ex = Assert.Throws<ExternalDataException>(() => Model.Load(stream));
        Assert.Contains("without a base folder", ex.Message, StringComparison.Ordinal);

        using var again = File.OpenRead(path);
        using var model = Model.Load(again, _folder);
        Assert.Equal(s_kernel, model.Layers[0].GetWeights().Kernel.ToArray());
    }

    [Fact]
    public void Load_RefusesExternalDataThatAlsoStoresValuesInTheFile()
    {
        WriteData("w.bin");
        var path = WriteModel(("location", "w.bin"));
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        model.Graph.Initializer[0].RawData = ByteString.CopyFrom(new byte[36]);
        File.WriteAllBytes(path, model.ToByteArray());

        Assert.Contains("only one", LoadFails<InvalidModelException>(path).Message, StringComparison.Ordinal);
    }
}
