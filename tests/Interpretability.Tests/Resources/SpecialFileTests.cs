using System.Diagnostics;

namespace Interpretability.Tests.Resources;

/// <summary>
/// A FIFO or a directory where an image or IDX file is expected (say, in a dataset folder someone
/// else filled) is refused without being opened: opening a FIFO with no writer blocks forever.
/// </summary>
public class SpecialFileTests
{
    private static string Fifo(string name)
    {
        var path = Path.Combine(TestPaths.Output(nameof(SpecialFileTests)), name);
        File.Delete(path);
        using var process = Process.Start("mkfifo", path);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return path;
    }

    [Fact]
    public async Task Images_RefuseAFifoOrADirectoryWithoutOpeningIt()
    {
        var fifo = Fifo("image.png");
        var folder = Directory.CreateDirectory(Path.Combine(TestPaths.Output(nameof(SpecialFileTests)), "folder.png")).FullName;

        // WaitAsync throws TimeoutException when the FIFO was opened.
        var ex = await Task.Run(() => Assert.Throws<InvalidImageException>(() => Images.Load(fifo))).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains("FIFO", ex.Message, StringComparison.Ordinal);
        await Task.Run(() => Assert.Throws<InvalidImageException>(() => Images.LoadBatch([TestPaths.Data("images", "ankle-boot-28x28.png"), fifo]))).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains("directory", Assert.Throws<InvalidImageException>(() => Images.Load(folder)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Idx_RefusesAFifoOrADirectoryWithoutOpeningIt()
    {
        var fifo = Fifo("images-idx3-ubyte");
        var folder = Directory.CreateDirectory(Path.Combine(TestPaths.Output(nameof(SpecialFileTests)), "labels-idx1-ubyte")).FullName;

        var ex = await Task.Run(() => Assert.Throws<InvalidIdxException>(() => Idx.ReadImages(fifo))).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains("FIFO", ex.Message, StringComparison.Ordinal);
        await Task.Run(() => Assert.Throws<InvalidIdxException>(() => Idx.ReadLabels(fifo))).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains("directory", Assert.Throws<InvalidIdxException>(() => Idx.Read(folder)).Message, StringComparison.Ordinal);
    }
}
