using Interpretability.Onnx.Schema;
using static Interpretability.Tests.Onnx.OnnxBuilder;

namespace Interpretability.Tests.Onnx;

/// <summary>Sparse initializers (ONNX sparse_initializer) read as dense weights, and run in ONNX Runtime.</summary>
public class SparseInitializerTests
{
    private static ModelProto SparseConv(long[] indices, long[] indexDims)
    {
        var sparse = new SparseTensorProto { Values = Floats("W", [3], [1.5f, -2f, 4f]), Indices = Int64s("W_indices", indexDims, indices) };
        sparse.Dims.AddRange([1, 1, 3, 3]);
        var model = Model(Graph([Node("Conv", ["x", "W"], ["y"], "conv")], inputs: [Value("x", 1, 1, 4, 4)], outputs: [Value("y")]));
        model.Graph.SparseInitializer.Add(sparse);
        return model;
    }

    [Theory]
    [InlineData(new long[] { 0, 4, 8 }, new long[] { 3 })]
    [InlineData(new long[] { 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 2, 2 }, new long[] { 3, 4 })]
    public void GetWeights_ExpandsLinearAndCoordinateIndices(long[] indices, long[] indexDims)
    {
        using var model = Load(SparseConv(indices, indexDims));

        var kernel = model.Layers[0].GetWeights().Kernel;

        Assert.Equal([1, 1, 3, 3], kernel.Lengths.ToArray());
        Assert.Equal([1.5f, 0, 0, 0, -2f, 0, 0, 0, 4f], kernel.ToArray());
        var input = Tensor.Create(Enumerable.Range(0, 16).Select(i => (float)i).ToArray(), [1, 1, 4, 4]);
        Assert.Equal(((Conv2DLayer)model.Layers[0]).Apply(Tensor.Create(input.ToArray(), [1, 4, 4])).ToArray(), model.Run(input).ToArray());
    }

    [Fact]
    public void Load_RefusesAnIndexOutsideTheDims()
    {
        using var model = Load(SparseConv([0, 4, 9], [3]));

        var ex = Assert.Throws<InvalidModelException>(() => model.Layers[0].GetWeights());
        Assert.Contains("outside its dims", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RefusesIndicesOfTheWrongShape()
    {
        var ex = Assert.Throws<InvalidModelException>(() => Load(SparseConv([0, 4], [2])));

        Assert.Contains("fit neither [3] nor [3, 4]", ex.Message, StringComparison.Ordinal);
    }
}
