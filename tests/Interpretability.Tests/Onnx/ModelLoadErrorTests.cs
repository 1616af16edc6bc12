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
    public void Attributes_DescribeATensorOrGraphAttributeThatLacksItsValue()
    {
        // Found by the fuzzer: an attribute typed TENSOR (4) or GRAPH (5) without its t or g field.
        var model = Model(Graph(
            [Node("MaxPool", ["x"], ["y"], "pool", new AttributeProto { Name = "kernel_shape", Type = 4 }, new AttributeProto { Name = "body", Type = 5 })],
            inputs: [Value("x", 1, 1, 4, 4)]));
        using var loaded = Load(model);

        var attributes = loaded.Layers[0].Attributes;

        Assert.Equal("tensor (no value)", attributes["kernel_shape"]);
        Assert.Equal("graph (no value)", attributes["body"]);
    }

    [Fact]
    public async Task GetWeights_FoldsAConstantThatReadsItsPredecessorTwiceInLinearTime()
    {
        // Found by the fuzzer: 64 nodes W1 = Sub(W0, W0), W2 = Sub(W1, W1), ... took 2^64 evaluations.
        var model = Conv([1, 2, 3, 4], [1, 1, 2, 2]);
        var previous = "W";
        for (var i = 0; i < 64; i++)
        {
            model.Graph.Node.Insert(i, Node("Sub", [previous, previous], [$"W{i}"], $"sub{i}"));
            previous = $"W{i}";
        }

        model.Graph.Node[^1].Input[1] = previous;

        // WaitAsync throws TimeoutException when the folding takes exponential time.
        var kernel = await Task.Run(() =>
        {
            using var loaded = Load(model);
            return loaded.Layers[0].GetWeights().Kernel.ToArray();
        }).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal([0f, 0f, 0f, 0f], kernel);
    }

    [Theory]
    [InlineData("Concat")]
    [InlineData("Add")]
    public void Load_RefusesAFoldedConstantBeyondTheTensorLimitBeforeAllocating(string op)
    {
        // A chain of Concat(W, W) doubles the kernel 40 times: 2^40 floats. Add broadcasts [n, 1] + [1, n].
        var model = Conv([.. Enumerable.Repeat(1f, 4096)], [4096, 1, 1, 1]);
        var previous = "W";
        if (op == "Concat")
        {
            for (var i = 0; i < 40; i++)
            {
                model.Graph.Node.Insert(i, Node("Concat", [previous, previous], [$"W{i}"], $"concat{i}", Int("axis", 0)));
                previous = $"W{i}";
            }
        }
        else
        {
            model.Graph.Initializer.Add(Floats("R", [1, 4096, 1, 1], [.. Enumerable.Repeat(1f, 4096)]));
            model.Graph.Node.Insert(0, Node("Add", ["W", "R"], ["WR"], "broadcast"));
            previous = "WR";
        }

        model.Graph.Node[^1].Input[1] = previous;

        // The Conv layer needs its kernel's dims, so the model is refused as it loads.
        var ex = Assert.Throws<ModelLimitExceededException>(() => Load(model, options: new ModelLoadOptions { MaxTensorBytes = 1 << 20 }));
        Assert.Contains("MaxTensorBytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains(op == "Concat" ? "(Concat) computes a constant of dims [524288, 1, 1, 1]" : "(Add) computes a constant of dims [4096, 4096, 1, 1]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_ShowsAQuestionMarkForWeightsThatCannotBeRead()
    {
        // Found by the fuzzer: Summary() threw for a model that loaded, because one layer's weight is
        // made by a node the library does not fold (here an If) or whose folding fails.
        var model = Model(Graph(
            [
                Node("If", ["c"], ["B"], "branch"),
                Node("Mul", ["x", "W"], ["m"], "scale"),
                Node("Add", ["m", "B"], ["y"], "shift"),
            ],
            [Floats("W", [4], [1, 2, 3, 4]), Floats("c", [1], [1])],
            [Value("x", 1, 4)],
            [Value("y", 1, 4)]));
        using var loaded = Load(model);

        var summary = loaded.Summary();

        Assert.Matches(@"scale \(Mul\) +\[1, 4\] +4\n", summary.Replace("\r", string.Empty, StringComparison.Ordinal));
        Assert.Matches(@"shift \(Add\) +\[1, 4\] +\?\n", summary.Replace("\r", string.Empty, StringComparison.Ordinal));
        Assert.Contains("Total params: 4 (and the weights of 1 layer that cannot be read)", summary, StringComparison.Ordinal);
        var ex = Assert.Throws<UnsupportedModelException>(() => loaded.Layers[1].ParameterCount);
        Assert.Contains("'branch' (If)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(ex.Message, Assert.Throws<UnsupportedModelException>(() => loaded.Layers[1].GetWeights()).Message);
    }

    [Theory]
    [InlineData("Gemm", new long[] { 1L << 62, 0 })]
    [InlineData("Gemm", new long[] { 0, long.MaxValue })]
    [InlineData("Conv", new long[] { 0, 1L << 40, 1, 1 })]
    [InlineData("Conv", new long[] { 1, long.MaxValue, 0, 3 })]
    public void Load_RefusesEnormousDimsEvenWhenAZeroLeavesTheTensorEmpty(string op, long[] dims)
    {
        // Found by the fuzzer: an empty weight with a dimension no array can have made the layer's
        // constructor overflow (Gemm, Conv) or Kernel2D index outside the tensor.
        var model = op == "Gemm"
            ? Model(Graph([Node("Gemm", ["x", "W"], ["y"], "dense")], [new TensorProto { Name = "W", DataType = 1, Dims = { dims } }], [Value("x", 1, 1)], [Value("y")]))
            : Model(Graph([Node("Conv", ["x", "W"], ["y"], "conv")], [new TensorProto { Name = "W", DataType = 1, Dims = { dims } }], [Value("x", 1, 1, 5, 5)], [Value("y")]));

        var ex = Fails<ModelLimitExceededException>(model.ToByteArray());

        Assert.Contains("'W'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(Interpretability.Onnx.Shapes.Format(dims), ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, new long[] { (1L << 62) + 1, 4 })]
    [InlineData(1, new long[] { 1L << 62, 0 })]
    public void GetWeights_RefusesAReshapeWhoseShapeOverflows(long allowZero, long[] shape)
    {
        // (2^62 + 1) * 4 wraps around to 4, the kernel's element count; and with allowzero an empty
        // value can take any dims. Both made Tensor.Create throw ArgumentOutOfRangeException.
        var model = Model(Graph(
            [Node("Reshape", ["W"], ["R"], "reshape", Ints("shape", shape), Int("allowzero", allowZero)), Node("Mul", ["x", "R"], ["y"], "scale")],
            [allowZero == 0 ? Floats("W", [4], [1, 2, 3, 4]) : Floats("W", [0], [])],
            [Value("x", 1)],
            [Value("y")]));
        using var loaded = Load(model);

        Assert.ThrowsAny<InvalidModelException>(() => loaded.Layers[0].GetWeights());
        Assert.Contains("scale (Mul)", loaded.Summary(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RefusesAGroupCountThatOverflowsTheInputChannels()
    {
        // A kernel [1, 2, 1, 1] with group 2^30 claims 2^31 input channels, beyond int.
        var model = Conv([1, 2], [1, 2, 1, 1], attributes: Int("group", 1L << 30));

        var ex = Fails<InvalidModelException>(model.ToByteArray());

        Assert.Contains("group", ex.Message, StringComparison.Ordinal);
        Assert.Contains("1,073,741,824", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetWeights_RefusesPerChannelScalesOfTheWrongLength()
    {
        // A QLinearConv kernel of 5 output channels with 3 scales: IndexOutOfRangeException before.
        var model = Model(Graph(
            [Node("QLinearConv", ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz"], ["y"], "qconv")],
            [
                Floats("xs", [], [1]), Raw("xz", OnnxDataType.UInt8, [], [0]), Raw("w", OnnxDataType.UInt8, [5, 1, 1, 1], [1, 2, 3, 4, 5]),
                Floats("ws", [3], [1, 2, 3]), Raw("wz", OnnxDataType.UInt8, [], [0]), Floats("ys", [], [1]), Raw("yz", OnnxDataType.UInt8, [], [0]),
            ],
            [Value("x", OnnxDataType.UInt8, 1, 1, 3, 3)],
            [Value("y")]));
        using var loaded = Load(model);

        var ex = Assert.Throws<InvalidModelException>(() => loaded.Layers[0].GetWeights());

        Assert.Contains("'ws' has 3 values", ex.Message, StringComparison.Ordinal);
        Assert.Contains("1 or 5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AcceptsNaNAndInfinityHalfWeightsAndRendersThem()
    {
        // Half NaN (0x7E00), +Inf (0x7C00), -Inf (0xFC00) and 1 (0x3C00) as a FLOAT16 kernel.
        var model = Conv([], [1, 1, 2, 2]);
        model.Graph.Initializer[0] = Raw("W", OnnxDataType.Float16, [1, 1, 2, 2], [0x00, 0x7E, 0x00, 0x7C, 0x00, 0xFC, 0x00, 0x3C]);
        using var loaded = Load(model);

        var kernel = loaded.Layers[0].GetWeights().Kernel;
        var figure = Render.KernelGrid(kernel, RenderOptions.Default with { Scale = 1, ShowValues = false, Colormap = Colormap.Gray });

        Assert.True(float.IsNaN(kernel[0, 0, 0, 0]));
        Assert.Equal([float.PositiveInfinity, float.NegativeInfinity, 1f], kernel.ToArray()[1..]);
        Assert.Contains(Enumerable.Range(0, figure.Width * figure.Height), i => figure.Pixels[(i * 4)..((i * 4) + 3)].SequenceEqual(new byte[] { 255, 0, 255 }));
    }

    [Theory]
    [InlineData(99, "data type 99")]
    [InlineData(23, "FLOAT4E2M1")]
    [InlineData(25, "UINT2")]
    [InlineData(8, "STRING")]
    public void Load_RefusesAWeightOfAnUnknownOrUnreadableDataTypeByName(int type, string name)
    {
        var model = Conv([1, 2, 3, 4], [1, 1, 2, 2]);
        model.Graph.Initializer[0].DataType = type;

        var ex = Fails<UnsupportedModelException>(model.ToByteArray());

        Assert.Contains("'W'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, "both in raw_data and in a typed field")]
    [InlineData(false, "has no values")]
    public void Load_RefusesAWeightWithBothOrNeitherValueFields(bool both, string expected)
    {
        var model = Conv([1, 2, 3, 4], [1, 1, 2, 2]);
        var weight = model.Graph.Initializer[0];
        if (both)
        {
            weight.FloatData.Add([1, 2, 3, 4]);
        }
        else
        {
            weight.ClearRawData();
        }

        var ex = Fails<InvalidModelException>(model.ToByteArray());

        Assert.Contains("'W' [1, 1, 2, 2] FLOAT", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Kernel2D_OfAnEmptyKernelIsEmpty()
    {
        // Found by the fuzzer: a Conv kernel [2, 2, 1, 0] holds nothing, and Kernel2D(0, 0) indexed it.
        using var loaded = Load(Conv([], [2, 2, 1, 0]));

        var slice = loaded.Layers[0].GetWeights().Kernel2D(0, 0);

        Assert.Equal([1, 0], slice.Lengths.ToArray());
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
