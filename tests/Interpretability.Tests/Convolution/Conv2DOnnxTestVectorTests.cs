using System.Text;
using Interpretability.Onnx;
using Interpretability.Onnx.Schema;
using static Interpretability.Tests.Convolution.ConvolutionOracle;

namespace Interpretability.Tests.Convolution;

/// <summary>
/// ONNX's own Conv test vectors (TestData/onnx-backend: node/test_*conv* computed by ONNX's reference
/// implementation, pytorch-converted/test_Conv2d* computed by PyTorch) run through Conv2D and, channel
/// by channel, through Convolve2D.
/// </summary>
public class Conv2DOnnxTestVectorTests
{
    private const int Float = 1;

    public static TheoryData<string> Vectors() =>
        [.. Directory.EnumerateFiles(TestPaths.Data("onnx-backend"), "model.onnx", SearchOption.AllDirectories)
            .Where(p => Read(p) is not null)
            .Select(p => Path.GetRelativePath(TestPaths.Data("onnx-backend"), Path.GetDirectoryName(p)!))
            .Order(StringComparer.Ordinal)];

    [Fact]
    public void Vectors_IncludeEveryFloatConvFolder()
    {
        // 6 node tests (basic with/without padding, autopad same, 3 stride variants) and 11 PyTorch Conv2d tests.
        Assert.Equal(17, Vectors().Count);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Conv2D_MatchesOnnxTestVector(string folder)
    {
        var vector = Read(Path.Combine(TestPaths.Data("onnx-backend"), folder, "model.onnx"))!;

        var actual = Interpretability.Convolution.Conv2D(vector.Input, vector.Weights, vector.Bias, vector.Options);

        Assert.Equal(vector.Output.Lengths.ToArray(), actual.Lengths.ToArray());
        AssertClose(Flatten(vector.Output), Magnitudes(vector), Flatten(actual), $"{folder} {Describe(vector.Options)}");
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Convolve2D_SummedOverChannelsGivesTheLayersOutputChannel(string folder)
    {
        // The lecture's identity: Convolve2D(x[c], W[k, c]) summed over the group's channels, plus bias[k], is channel k.
        var v = Read(Path.Combine(TestPaths.Data("onnx-backend"), folder, "model.onnx"))!;
        int batch = (int)v.Input.Lengths[0], channels = (int)v.Input.Lengths[1], outputs = (int)v.Weights.Lengths[0];
        int groupChannels = (int)v.Weights.Lengths[1], groupOutputs = outputs / v.Options.Group;
        var single = v.Options with { Group = 1 };
        var expected = Flatten(v.Output);
        var magnitude = Magnitudes(v);
        long plane = v.Output.Lengths[2] * v.Output.Lengths[3];
        for (int n = 0; n < batch; n++)
        {
            for (int k = 0; k < outputs; k++)
            {
                int first = k / groupOutputs * groupChannels;
                var image = Part(v.Input, (n * channels) + first, groupChannels);
                var kernel = Part(v.Weights, k * groupChannels, groupChannels);
                float bias = v.Bias is null ? 0 : v.Bias[k];

                var map = Interpretability.Convolution.Convolve2D(image, kernel, single, bias);

                long at = ((n * outputs) + k) * plane;
                AssertClose(expected.AsSpan((int)at, (int)plane), magnitude.AsSpan((int)at, (int)plane), Flatten(map), $"{folder} n={n} k={k}");
            }
        }

        Assert.True(channels >= groupChannels);
    }

    /// <summary>Planes <c>[first, first + count)</c> of a dense 4-D tensor, as a new <c>[count, H, W]</c> tensor.</summary>
    private static Tensor<float> Part(Tensor<float> tensor, int first, int count)
    {
        long plane = tensor.Lengths[2] * tensor.Lengths[3];
        var values = Flatten(tensor).AsSpan((int)(first * plane), (int)(count * plane)).ToArray();
        return Tensor.Create(values, [count, tensor.Lengths[2], tensor.Lengths[3]]);
    }

    private static float[] Magnitudes(Vector v)
    {
        var (_, magnitude) = ConvolutionOracle.Conv2D(
            Flatten(v.Input), (int)v.Input.Lengths[0], (int)v.Input.Lengths[1], (int)v.Input.Lengths[2], (int)v.Input.Lengths[3],
            Flatten(v.Weights), (int)v.Weights.Lengths[0], (int)v.Weights.Lengths[2], (int)v.Weights.Lengths[3],
            v.Bias is null ? null : Flatten(v.Bias), v.Options);
        return magnitude;
    }

    private sealed record Vector(Tensor<float> Input, Tensor<float> Weights, Tensor<float>? Bias, ConvolutionOptions Options, Tensor<float> Output);

    /// <summary>The test vector in a folder when its model is one 2-D float Conv; null otherwise.</summary>
    private static Vector? Read(string modelPath)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(modelPath));
        var graph = model.Graph;
        if (graph.Node.Count != 1 || graph.Node[0].OpType != "Conv")
        {
            return null;
        }

        var node = graph.Node[0];
        var values = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (var initializer in graph.Initializer)
        {
            values[initializer.Name] = initializer;
        }

        // Graph inputs that are not initializers are fed from input_0.pb, input_1.pb, ... in order.
        string data = Path.Combine(Path.GetDirectoryName(modelPath)!, "test_data_set_0");
        int fed = 0;
        foreach (var input in graph.Input)
        {
            if (!values.ContainsKey(input.Name))
            {
                values[input.Name] = TensorProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(data, $"input_{fed++}.pb")));
            }
        }

        var x = values[node.Input[0]];
        var w = values[node.Input[1]];
        if (x.DataType != Float || w.DataType != Float || w.Dims.Count != 4)
        {
            return null;
        }

        var options = new ConvolutionOptions();
        foreach (var a in node.Attribute)
        {
            options = a.Name switch
            {
                "strides" => options with { Strides = ((int)a.Ints[0], (int)a.Ints[1]) },
                "dilations" => options with { Dilations = ((int)a.Ints[0], (int)a.Ints[1]) },
                "pads" => options with { Pads = ((int)a.Ints[0], (int)a.Ints[1], (int)a.Ints[2], (int)a.Ints[3]) },
                "group" => options with { Group = (int)a.I },
                "auto_pad" => options with
                {
                    AutoPad = Encoding.UTF8.GetString(a.S.Span) switch
                    {
                        "SAME_UPPER" => AutoPad.SameUpper,
                        "SAME_LOWER" => AutoPad.SameLower,
                        "VALID" => AutoPad.Valid,
                        _ => AutoPad.NotSet,
                    },
                },
                _ => options,
            };
        }

        var bias = node.Input.Count > 2 && node.Input[2].Length > 0 ? TensorDecoder.ToFloatTensor(values[node.Input[2]]) : null;
        var output = TensorDecoder.ToFloatTensor(TensorProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(data, "output_0.pb"))));
        return new Vector(TensorDecoder.ToFloatTensor(x), TensorDecoder.ToFloatTensor(w), bias, options, output);
    }
}
