using System.IO.Compression;
using static Interpretability.Tests.Fixtures;

namespace Interpretability.Tests.Imaging;

public class IdxTests
{
    private static byte[] Plain(string gzPath)
    {
        using var gz = new GZipStream(File.OpenRead(gzPath), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        gz.CopyTo(plain);
        return plain.ToArray();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gz.Write(data);
        }

        return output.ToArray();
    }

    private static string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(TestPaths.Output(nameof(IdxTests)), name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void ReadImages_RealFashionMnistImagesAreBytesOver255()
    {
        var images = Idx.ReadImages(ImagesPath);
        Assert.Equal([16, 28, 28], images.Lengths.ToArray().Select(l => (int)l));
        var raw = Plain(ImagesPath)[16..];
        Assert.Equal(raw.Select(b => b / 255f), Values(images));
        Assert.Equal(0f, Values(images).Min());
        Assert.Equal(1f, Values(images).Max());
    }

    [Fact]
    public void ReadLabels_RealFashionMnistLabels()
    {
        Assert.Equal(Labels, Idx.ReadLabels(LabelsPath));
    }

    [Fact]
    public void Read_PlainAndGzipGiveTheSameTensor()
    {
        var plainPath = Write("images-plain-idx3-ubyte", Plain(ImagesPath));
        var fromGzip = Idx.Read(ImagesPath);
        var fromPlain = Idx.Read(plainPath);
        Assert.Equal(fromGzip.Lengths.ToArray(), fromPlain.Lengths.ToArray());
        var a = new byte[fromGzip.FlattenedLength];
        var b = new byte[fromPlain.FlattenedLength];
        fromGzip.FlattenTo(a);
        fromPlain.FlattenTo(b);
        Assert.Equal(a, b);

        using var stream = new MemoryStream(File.ReadAllBytes(LabelsPath));
        Assert.Equal(Labels, Idx.ReadLabels(stream));
    }

    [Fact]
    public void FashionMnist_LoadPairsImagesWithLabelsAndNamesTheClasses()
    {
        var (images, labels) = FashionMnist.Load(ImagesPath, LabelsPath);
        Assert.Equal(16, images.Lengths[0]);
        Assert.Equal(Labels, labels);
        Assert.Equal(10, FashionMnist.ClassNames.Count);
        Assert.Equal("T-shirt/top", FashionMnist.ClassNames[0]);
        Assert.Equal("Ankle boot", FashionMnist.ClassNames[labels[0]]);
    }

    [Fact]
    public void FashionMnist_RefusesMismatchedCountsAndUnknownClasses()
    {
        var fewer = Write("labels-3", [0, 0, 8, 1, 0, 0, 0, 3, 9, 2, 1]);
        Assert.Contains("16 images", Assert.Throws<InvalidIdxException>(() => FashionMnist.Load(ImagesPath, fewer)).Message, StringComparison.Ordinal);

        var labels = Plain(LabelsPath);
        labels[8 + 5] = 12;
        var bad = Write("labels-bad-class", labels);
        Assert.Contains("label 12 at index 5", Assert.Throws<InvalidIdxException>(() => FashionMnist.Load(ImagesPath, bad)).Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, byte[], string> Hostile() => new()
    {
        { "wrong magic", [0x01, 0x02, 0x08, 0x01, 0, 0, 0, 1, 7], "two zero bytes" },
        { "little-endian", [0x01, 0x08, 0x00, 0x00, 1, 0, 0, 0, 7], "little-endian" },
        { "float elements", [0, 0, 0x0D, 0x01, 0, 0, 0, 1, 0, 0, 0, 0], "0x0D (32-bit float)" },
        { "undefined type", [0, 0, 0x07, 0x01, 0, 0, 0, 1, 7], "does not define" },
        { "rank 0", [0, 0, 0x08, 0x00], "0 dimensions" },
        { "dimension beyond int", [0, 0, 0x08, 0x01, 0x80, 0, 0, 0], "2147483648" },
        { "too many elements", [0, 0, 0x08, 0x03, 0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 2], "more than the limit" },
        { "truncated header", [0, 0, 0x08, 0x03, 0, 0, 0, 1, 0, 0], "ends inside its header" },
        { "truncated data", [0, 0, 0x08, 0x01, 0, 0, 0, 4, 1, 2], "truncated" },
        { "trailing data", [0, 0, 0x08, 0x01, 0, 0, 0, 1, 1, 2], "more data than" },
        { "empty", [], "0 bytes long" },
        { "three bytes", [0, 0, 8], "ends after 3 bytes" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Read_RefusesMalformedFiles(string name, byte[] bytes, string expected)
    {
        var path = Write(name.Replace(' ', '-'), bytes);
        var e = Assert.Throws<InvalidIdxException>(() => Idx.Read(path));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);

        // The same inside gzip (empty input stays empty: it is no gzip).
        if (bytes.Length > 3)
        {
            var gz = Assert.Throws<InvalidIdxException>(() => Idx.Read(new MemoryStream(Gzip(bytes))));
            Assert.Contains(expected, gz.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Read_RefusesTruncatedAndCorruptGzip()
    {
        var bytes = File.ReadAllBytes(ImagesPath);
        var truncated = Write("truncated.gz", bytes[..(bytes.Length / 2)]);
        Assert.Throws<InvalidIdxException>(() => Idx.Read(truncated));

        var corrupt = (byte[])bytes.Clone();
        for (var i = 200; i < 260; i++)
        {
            corrupt[i] ^= 0xA5;
        }

        Assert.Throws<InvalidIdxException>(() => Idx.Read(new MemoryStream(corrupt)));
    }

    [Fact]
    public void Read_HonoursTheElementLimitBeforeReadingData()
    {
        // 16 × 28 × 28 = 12544 elements; a limit of 12543 refuses the header.
        var e = Assert.Throws<InvalidIdxException>(() => Idx.ReadImages(ImagesPath, maxElements: 12543));
        Assert.Contains("[16, 28, 28]", e.Message, StringComparison.Ordinal);
        Assert.Equal(16, Idx.ReadImages(ImagesPath, maxElements: 12544).Lengths[0]);
        Assert.Equal("maxElements", Assert.Throws<ArgumentOutOfRangeException>(() => Idx.Read(ImagesPath, 0)).ParamName);
    }

    [Fact]
    public void ReadImagesAndLabels_CheckTheRank()
    {
        Assert.Contains("an images file has 3", Assert.Throws<InvalidIdxException>(() => Idx.ReadImages(LabelsPath)).Message, StringComparison.Ordinal);
        Assert.Contains("a labels file has 1", Assert.Throws<InvalidIdxException>(() => Idx.ReadLabels(ImagesPath)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ALyingHeaderDoesNotAllocateUpFront()
    {
        // A header declaring 2³⁰ elements followed by 10 bytes: refused as truncated, quickly.
        byte[] bytes = [0, 0, 0x08, 0x01, 0x40, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<InvalidIdxException>(() => Idx.Read(new MemoryStream(bytes)));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "allocated more than 16 MiB for 10 bytes of data");
    }
}
