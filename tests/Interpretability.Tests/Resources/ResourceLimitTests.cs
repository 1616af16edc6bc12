using System.Runtime.InteropServices;
using Google.Protobuf;
using Interpretability.Onnx;
using Interpretability.Onnx.Schema;
using static Interpretability.Tests.Onnx.OnnxBuilder;

namespace Interpretability.Tests.Resources;

/// <summary>
/// Every configurable cap is enforced before the memory it bounds is allocated: each test gives a
/// small input that claims (or would expand to) far more than the cap, and checks both the
/// documented exception and that refusing it allocated almost nothing on the calling thread.
/// </summary>
public class ResourceLimitTests
{
    /// <summary>Refusing a hostile input may allocate for messages and bookkeeping, never for what it claims.</summary>
    private const long Little = 1 << 20;

    private static long AllocatedBy(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static byte[] VarInt(long value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value != 0 ? (byte)(b | 0x80) : b);
        }
        while (value != 0);
        return [.. bytes];
    }

    /// <summary>A graph (ModelProto field 7) holding <paramref name="count"/> empty entries of one of its list fields.</summary>
    private static byte[] EmptyEntries(byte tag, int count)
    {
        var entries = new byte[count * 2];
        for (var i = 0; i < entries.Length; i += 2)
        {
            entries[i] = tag;
        }

        return [0x3A, .. VarInt(entries.Length), .. entries];
    }

    [Theory]
    [InlineData(0x0A, "3,000,000 nodes")]
    [InlineData(0x2A, "3,000,000 tensors")]
    [InlineData(0x5A, "3,000,000 value declarations")]
    [InlineData(0x7A, "3,000,000 sparse tensors")]
    public void MaxNodes_RefusesMillionsOfEmptyEntriesBeforeParsingThem(byte tag, string expected)
    {
        // 6 MB of two-byte entries: parsed, they took 0.6 to 1.2 GB before MaxNodes was checked.
        var bytes = EmptyEntries(tag, 3_000_000);
        ModelLimitExceededException? ex = null;

        var allocated = AllocatedBy(() => ex = Assert.Throws<ModelLimitExceededException>(() => Model.Load(bytes)));

        Assert.Contains(expected, ex!.Message, StringComparison.Ordinal);
        Assert.Contains("MaxNodes", ex.Message, StringComparison.Ordinal);
        Assert.True(allocated < Little, $"Refusing allocated {allocated:N0} bytes.");
    }

    [Fact]
    public void MaxNodes_CountsNodesInSubgraphsAndUnknownFieldsToo()
    {
        // One If node whose then_branch holds 2,000 nodes: within the default, beyond a limit of 1,000.
        var inner = Graph(Enumerable.Range(0, 2000).Select(i => Node("Relu", ["x"], [$"y{i}"])));
        var model = Model(Graph([Node("If", ["c"], ["y"], "if", new AttributeProto { Name = "then_branch", Type = 5, G = inner })], inputs: [Value("c", 1)]));
        var ex = Assert.Throws<ModelLimitExceededException>(() => Load(model, options: new ModelLoadOptions { MaxNodes = 1000 }));
        Assert.Contains("2,001 nodes", ex.Message, StringComparison.Ordinal);

        // 1.2 million distinct unknown field numbers (each its own object once parsed) in 6 MB.
        var unknown = new List<byte>();
        for (var field = 16; unknown.Count < 6_000_000; field++)
        {
            unknown.AddRange(VarInt((long)field << 3));
            unknown.Add(0);
        }

        var bytes = unknown.ToArray();
        var allocated = AllocatedBy(() => Assert.Contains("fields this library does not know", Assert.Throws<ModelLimitExceededException>(() => Model.Load(bytes)).Message, StringComparison.Ordinal));
        Assert.True(allocated < Little, $"Refusing allocated {allocated:N0} bytes.");
    }

    [Fact]
    public void MaxModelBytes_RefusesAStreamFromItsLengthWithoutReadingIt()
    {
        using var stream = new ClaimingStream(length: 3L << 30);

        var allocated = AllocatedBy(() => Assert.Throws<ModelLimitExceededException>(() => Model.Load(stream)));

        Assert.Equal(0, stream.BytesRead);
        Assert.True(allocated < Little, $"Refusing allocated {allocated:N0} bytes.");
        Assert.Throws<ModelLimitExceededException>(() => Model.Load(new ClaimingStream(length: 5000), options: new ModelLoadOptions { MaxModelBytes = 4096 }));
    }

    [Fact]
    public void MaxTensorBytes_RefusesAClaimFromTheDimsBeforeLookingForItsData()
    {
        // 10^12 floats claimed by a tensor that stores nothing; and 2 MB claimed against a 1 MB limit
        // by an external tensor whose file is never opened.
        var huge = Conv([], [1, 1, 1_000_000, 1_000_000]);
        var allocated = AllocatedBy(() => Assert.Contains("MaxTensorBytes", Assert.Throws<ModelLimitExceededException>(() => Load(huge)).Message, StringComparison.Ordinal));
        Assert.True(allocated < Little, $"Refusing allocated {allocated:N0} bytes.");

        var external = Conv([], [512, 1, 32, 32]);
        var weight = external.Graph.Initializer[0];
        weight.ClearRawData();
        weight.DataLocation = 1;
        weight.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
        var opened = new List<string>();
        void Record(string path) => opened.Add(path);
        ExternalData.Opening += Record;
        try
        {
            var ex = Assert.Throws<ModelLimitExceededException>(() => Load(external, Path.GetTempPath(), new ModelLoadOptions { MaxTensorBytes = 1 << 20 }));
            Assert.Contains("2,097,152", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            ExternalData.Opening -= Record;
        }

        Assert.DoesNotContain(opened, p => p.EndsWith("weights.bin", StringComparison.Ordinal));
    }

    [Fact]
    public void MaxNestingDepth_RefusesDeepNestingBeforeRecursingIntoIt()
    {
        // 100,000 nested unknown groups: 200 KB that would recurse 100,000 frames deep.
        var bytes = Enumerable.Repeat((byte)0x7B, 100_000).Concat(Enumerable.Repeat((byte)0x7C, 100_000)).ToArray();

        var allocated = AllocatedBy(() => Assert.Contains("MaxNestingDepth", Assert.Throws<ModelLimitExceededException>(() => Model.Load(bytes)).Message, StringComparison.Ordinal));

        Assert.True(allocated < Little, $"Refusing allocated {allocated:N0} bytes.");
    }

    [Fact]
    public void ImageLimits_RefuseAPngBombFromItsHeader()
    {
        // A valid PNG header claiming 16384 x 16384 (268 million pixels, 1 GB of RGBA) in 57 bytes.
        byte[] png =
        [
            0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R',
            0, 0, 0x40, 0, 0, 0, 0x40, 0, 8, 6, 0, 0, 0, 0x2B, 0x6B, 0xA2, 0x3E,
            0, 0, 0, 12, (byte)'I', (byte)'D', (byte)'A', (byte)'T', 0x78, 0x9C, 0x63, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0,
        ];
        using var stream = new MemoryStream(png);
        InvalidImageException? ex = null;

        var allocated = AllocatedBy(() => ex = Assert.Throws<InvalidImageException>(() => Images.Load(stream)));

        Assert.Contains(nameof(ImageLoadOptions.MaxPixels), ex!.Message, StringComparison.Ordinal);
        Assert.True(allocated < Little, $"Refusing allocated {allocated:N0} bytes.");
        Assert.Throws<InvalidImageException>(() => Images.Load(new MemoryStream(png), ImageLoadOptions.Default with { MaxDimension = 100 }));
        Assert.Throws<InvalidImageException>(() => Images.Load(new MemoryStream(png), ImageLoadOptions.Default with { MaxBytes = 50 }));
    }

    [Fact]
    public void IdxLimit_RefusesAHeaderBeyondMaxElementsBeforeDecompressingTheData()
    {
        // A gzip bomb: a header claiming 2^36 elements, then 64 MiB of zeros, in about 64 KB.
        using var compressed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write([0, 0, 8, 3, 0, 0, 0x40, 0, 0, 0, 0x40, 0, 0, 0, 0x01, 0]); // [16384, 16384, 256]
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 64; i++)
            {
                gzip.Write(zeros);
            }
        }

        var bytes = compressed.ToArray();
        var allocated = AllocatedBy(() => Assert.Contains("limit of 1048576 elements", Assert.Throws<InvalidIdxException>(() => Idx.Read(new MemoryStream(bytes), maxElements: 1 << 20)).Message, StringComparison.Ordinal));

        Assert.True(allocated < Little, $"Refusing allocated {allocated:N0} bytes.");
    }

    /// <summary>A seekable stream that claims a length and fails the test if anything reads it.</summary>
    private sealed class ClaimingStream(long length) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            BytesRead += count;
            throw new InvalidOperationException("The stream was read although its length is beyond the limit.");
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = offset;

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
