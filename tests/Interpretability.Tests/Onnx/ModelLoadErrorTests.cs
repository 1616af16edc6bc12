using System.Diagnostics;
using System.IO.Compression;
using Google.Protobuf;
using Interpretability.Onnx.Schema;
using static Interpretability.Tests.Onnx.OnnxBuilder;

namespace Interpretability.Tests.Onnx;

/// <summary>Broken model files raise the documented exceptions, whose messages name the problem; nothing else escapes.</summary>
public class ModelLoadErrorTests
{
    private static readonly string s_lectureModel = Path.Combine(TestPaths.RepositoryRoot, "samples", "FashionMnistLecture", "model", "fashion_cnn.onnx");

    private static T Fails<T>(byte[] bytes)
        where T : Exception => Assert.Throws<T>(() => Model.Load(bytes));

    [Fact]
    public void Load_RejectsAnEmptyModel()
    {
        Assert.Contains("empty", Fails<InvalidModelException>([]).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RejectsText()
    {
        Fails<InvalidModelException>("This is not an ONNX model, it is a sentence.\n"u8.ToArray());
    }

    [Fact]
    public void Load_RejectsAGzippedModel()
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest))
        {
            gzip.Write(File.ReadAllBytes(s_lectureModel));
        }

        Fails<InvalidModelException>(compressed.ToArray());
    }

    [Fact]
    public void Load_RejectsRandomBytesWithOnlyDocumentedExceptions()
    {
        var random = new Random(1234);
        for (var i = 0; i < 300; i++)
        {
            var bytes = new byte[random.Next(1, 400)];
            random.NextBytes(bytes);
            try
            {
                using var model = Model.Load(bytes);
            }
            catch (InvalidModelException)
            {
            }
        }
    }

    [Fact]
    public void Load_RejectsAModelTruncatedAtEveryKthByte()
    {
        var bytes = File.ReadAllBytes(s_lectureModel);
        var rejected = 0;
        for (var length = 0; length < bytes.Length; length += 997)
        {
            var ex = Assert.ThrowsAny<InvalidModelException>(() => Model.Load(bytes.AsMemory(0, length)));
            Assert.Contains("model bytes", ex.Message, StringComparison.Ordinal);
            rejected++;
        }

        Assert.True(rejected > 300);
    }

    [Fact]
    public void Load_RejectsNegativeLengthVarints()
    {
        // Field 7 (graph), wire type 2, with a ten-byte varint length of -1.
        byte[] bytes = [0x3A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01];

        Assert.Contains("protobuf", Fails<InvalidModelException>(bytes).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0x01 })] // field number 0
    [InlineData(new byte[] { 0x0E, 0x01 })] // wire type 6 does not exist
    [InlineData(new byte[] { 0x0C })] // an end-group tag with no start
    [InlineData(new byte[] { 0x3A, 0x05, 0x01 })] // a length running past the end
    public void Load_RejectsBadTagsAndWireTypes(byte[] bytes)
    {
        Fails<InvalidModelException>(bytes);
    }

    [Fact]
    public void Load_RejectsNestingDeeperThanTheLimit()
    {
        // Unknown start-group tags (field 15, wire type 3) nested 200 deep inside the model.
        var bytes = Enumerable.Repeat((byte)0x7B, 200).Concat(Enumerable.Repeat((byte)0x7C, 200)).ToArray();

        var ex = Fails<ModelLimitExceededException>(bytes);
        Assert.Contains("MaxNestingDepth", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RejectsSubgraphsNestedPastTheLimit()
    {
        var graph = Graph([Node("Relu", ["x"], ["y"])], inputs: [Value("x", 1)]);
        for (var i = 0; i < 40; i++)
        {
            var wrapper = Graph([Node("If", ["c"], ["y"], "if", new AttributeProto { Name = "then_branch", Type = 5, G = graph })]);
            graph = wrapper;
        }

        var bytes = Model(graph).ToByteArray();
        Assert.Throws<ModelLimitExceededException>(() => Model.Load(bytes));
        Assert.Throws<ModelLimitExceededException>(() => Model.Load(bytes, options: new ModelLoadOptions { MaxNestingDepth = 16 }));
    }

    [Fact]
    public void Load_KeepsHugeUnknownFieldsWithinTheSizeLimit()
    {
        var model = Conv([1, 2, 3, 4], [1, 1, 2, 2]);
        var bytes = model.ToByteArray().Concat(new byte[] { 0xFA, 0x3E }).Concat(VarInt(5_000_000)).Concat(new byte[5_000_000]).ToArray();

        using var loaded = Model.Load(bytes);
        Assert.Single(loaded.Layers);
        Assert.Throws<ModelLimitExceededException>(() => Model.Load(bytes, options: new ModelLoadOptions { MaxModelBytes = 1_000_000 }));
    }

    [Fact]
    public void Load_RejectsMillionsOfEmptyNodesQuickly()
    {
        // Three million empty NodeProto entries (tag 0x0A, length 0) inside a graph: 6 MB.
        var nodes = new byte[3_000_000 * 2];
        for (var i = 0; i < nodes.Length; i += 2)
        {
            nodes[i] = 0x0A;
        }

        var bytes = new byte[] { 0x3A }.Concat(VarInt(nodes.Length)).Concat(nodes).ToArray();
        var ex = Fails<ModelLimitExceededException>(bytes);

        Assert.Contains("3,000,000 nodes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxNodes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RejectsANodeWithoutAnOperator()
    {
        var model = Model(Graph([Node(string.Empty, ["x"], ["y"], "nameless")], inputs: [Value("x", 1)]));

        Assert.Contains("no op_type", Fails<InvalidModelException>(model.ToByteArray()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RejectsDuplicateInitializerNames()
    {
        var model = Conv([1, 2, 3, 4], [1, 1, 2, 2]);
        model.Graph.Initializer.Add(Floats("W", [1], [0f]));

        Assert.Contains("two initializers are named 'W'", Fails<InvalidModelException>(model.ToByteArray()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RejectsAnUndefinedInput()
    {
        var model = Model(Graph([Node("Add", ["x", "ghost"], ["y"], "add")], inputs: [Value("x", 1)]));

        Assert.Contains("reads 'ghost'", Fails<InvalidModelException>(model.ToByteArray()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RejectsACycle()
    {
        var model = Model(Graph(
            [Node("Add", ["x", "b"], ["a"], "first"), Node("Relu", ["a"], ["b"], "second")],
            inputs: [Value("x", 1)]));

        Assert.Contains("cycle", Fails<InvalidModelException>(model.ToByteArray()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RejectsAValueWrittenTwice()
    {
        var model = Model(Graph(
            [Node("Relu", ["x"], ["y"], "one"), Node("Tanh", ["x"], ["y"], "two")],
            inputs: [Value("x", 1)]));

        Assert.Contains("both write 'y'", Fails<InvalidModelException>(model.ToByteArray()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RejectsAModelWithoutAGraph()
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "nothing" };

        Assert.Contains("no graph", Fails<InvalidModelException>(model.ToByteArray()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AcceptsNaNAndInfinityWeights()
    {
        using var loaded = Load(Conv([float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f], [1, 1, 2, 2]));

        var kernel = loaded.Layers[0].GetWeights().Kernel.ToArray();
        Assert.True(float.IsNaN(kernel[0]));
        Assert.Equal([float.PositiveInfinity, float.NegativeInfinity, 0f], kernel[1..]);
    }

    [Fact]
    public void Load_ReportsAMissingFileAsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => Model.Load(Path.Combine(TestPaths.Output("missing"), "nothing.onnx")));
        Assert.Throws<ArgumentException>(() => Model.Load(string.Empty));
    }

    [Fact]
    public async Task Load_RejectsADirectoryAndAFifoWithoutHanging()
    {
        var folder = TestPaths.Output(nameof(Load_RejectsADirectoryAndAFifoWithoutHanging));
        Assert.Contains("directory", Assert.Throws<InvalidModelException>(() => Model.Load(folder)).Message, StringComparison.Ordinal);

        var fifo = Path.Combine(folder, "model.fifo");
        File.Delete(fifo);
        using (var process = Process.Start("mkfifo", fifo))
        {
            process.WaitForExit();
        }

        // WaitAsync throws TimeoutException if the FIFO was opened (an open with no writer blocks forever).
        var ex = await Task.Run(() => Assert.Throws<InvalidModelException>(() => Model.Load(fifo))).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains("FIFO", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RejectsAFileBeyondTheSizeLimitBeforeReadingIt()
    {
        var ex = Assert.Throws<ModelLimitExceededException>(() => Model.Load(s_lectureModel, new ModelLoadOptions { MaxModelBytes = 1000 }));

        Assert.Contains("fashion_cnn.onnx", ex.Message, StringComparison.Ordinal);
        Assert.Contains("1,000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FromANonSeekableStreamHonoursTheSizeLimit()
    {
        using var stream = new NonSeekableStream(File.ReadAllBytes(s_lectureModel));

        Assert.Throws<ModelLimitExceededException>(() => Model.Load(stream, options: new ModelLoadOptions { MaxModelBytes = 100_000 }));
    }

    [Fact]
    public void Load_RoundTripsUnknownFields()
    {
        // A field this schema does not declare (ModelProto.functions = 25) must survive parse and serialize.
        var original = Conv([1, 2, 3, 4], [1, 1, 2, 2]).ToByteArray().Concat(new byte[] { 0xCA, 0x01, 0x03, 0x0A, 0x01, 0x66 }).ToArray();

        var reparsed = ModelProto.Parser.ParseFrom(original);

        Assert.Equal(original, reparsed.ToByteArray());
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

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
