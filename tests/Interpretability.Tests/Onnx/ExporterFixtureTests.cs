namespace Interpretability.Tests.Onnx;

/// <summary>
/// GetWeights against the arrays the exporter itself held (PyTorch's parameters, numpy's
/// dequantization), bit for bit, for every fixture model: strides, pads, dilations, groups, no
/// bias, Gemm and MatMul, BatchNormalization, pooling, float16, bfloat16, double, integer and
/// quantized weights, external data, opsets 7 to 17 and IR 3 to 10.
/// </summary>
public class ExporterFixtureTests
{
    public static TheoryData<string> Fixtures() => [.. ExportedFixture.All()];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void GetWeights_MatchesTheExportersArraysBitForBit(string json)
    {
        var fixture = ExportedFixture.Read(json);
        using var model = Model.Load(fixture.ModelPath);

        Assert.NotEmpty(fixture.Layers);
        foreach (var expected in fixture.Layers)
        {
            var layer = model.Layers.Single(l => l.Node == model.Graph.Graph.Node[expected.NodeIndex]);
            Assert.Equal(expected.OpType, layer.OpType);
            if (expected.Node.Length > 0)
            {
                Assert.Equal(expected.Node, layer.Name);
            }

            var weights = layer.GetWeights();
            Assert.Equal(expected.Weights.Count, weights.Count);
            for (var i = 0; i < weights.Count; i++)
            {
                var want = expected.Weights[i];
                var got = weights[i];
                Assert.Equal(want.Shape.Length == 0 ? [1] : want.Shape, got.Lengths.ToArray().Select(l => (long)l));
                var values = fixture.ReadFloats(want.File);
                var actual = got.ToArray();
                Assert.Equal(values.Length, actual.Length);
                for (var j = 0; j < values.Length; j++)
                {
                    if (BitConverter.SingleToInt32Bits(values[j]) != BitConverter.SingleToInt32Bits(actual[j]))
                    {
                        Assert.Fail($"{fixture.Model}: layer '{layer.Name}' weight {i} ({want.OnnxInput}, stored as {want.StoredDtype}) element {j}: expected {values[j]:R}, got {actual[j]:R}.");
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Layers_AreExactlyTheNodesTheExporterMarksAsActivations(string json)
    {
        var fixture = ExportedFixture.Read(json);
        using var model = Model.Load(fixture.ModelPath);

        if (fixture.Nodes.Count == 0)
        {
            return;
        }

        var expected = fixture.Nodes.Where(n => n.Kind == "activation").Select(n => n.Index).Order();
        var actual = model.Layers.Select(l => model.Graph.Graph.Node.IndexOf(l.Node)).Order();
        Assert.Equal(expected, actual);
        Assert.Equal(fixture.IrVersion, model.IrVersion);
        Assert.Equal(fixture.Opset, model.OpsetVersion);
    }
}
