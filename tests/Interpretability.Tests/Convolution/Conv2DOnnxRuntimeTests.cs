using Interpretability.Testing;
using Microsoft.ML.OnnxRuntime;
using static Interpretability.Tests.Convolution.ConvolutionOracle;

namespace Interpretability.Tests.Convolution;

/// <summary>ONNX Runtime, an outside implementation, runs the same one-node Conv models on the same random inputs.</summary>
public class Conv2DOnnxRuntimeTests
{
    [Fact]
    public void Conv2D_MatchesOnnxRuntimeOnRandomLayers()
    {
        var random = new Random(20);
        int done = 0;
        while (done < 60)
        {
            int group = random.Next(1, 4);
            int channels = group * random.Next(1, 5), outputs = group * random.Next(1, 10);
            int batch = random.Next(1, 3), h = random.Next(1, 48), w = random.Next(1, 48), kh = random.Next(1, 8), kw = random.Next(1, 8);
            var options = new ConvolutionOptions
            {
                Strides = (random.Next(1, 4), random.Next(1, 4)),
                Dilations = (random.Next(1, 4), random.Next(1, 4)),
                Pads = (random.Next(0, 4), random.Next(0, 4), random.Next(0, 4), random.Next(0, 4)),
                AutoPad = (AutoPad)random.Next(0, 4),
                Group = group,
            };
            var (oh, ow) = options.GetOutputSize(h, w, kh, kw);
            if (oh < 1 || ow < 1)
            {
                continue;
            }

            CheckAgainstOnnxRuntime(random, batch, channels, h, w, outputs, kh, kw, options, withBias: random.Next(3) != 0);
            done++;
        }
    }

    [Theory]
    [InlineData(1, 16, 5, 5, 2, 1, 1)]     // the benchmark's first layer, smaller image
    [InlineData(3, 64, 7, 7, 3, 2, 1)]     // stem conv, stride 2
    [InlineData(64, 64, 3, 3, 1, 1, 1)]    // dense 3x3
    [InlineData(64, 64, 3, 3, 1, 1, 64)]   // depthwise
    [InlineData(256, 64, 1, 1, 0, 1, 1)]   // pointwise
    [InlineData(32, 96, 3, 3, 1, 1, 32)]   // depthwise with channel multiplier 3
    public void Conv2D_MatchesOnnxRuntimeOnTheBenchmarkLayerKinds(int channels, int outputs, int kh, int kw, int pad, int stride, int group)
    {
        CheckAgainstOnnxRuntime(new Random(21), 1, channels, 20, 23, outputs, kh, kw, new ConvolutionOptions { Pads = (pad, pad, pad, pad), Strides = (stride, stride), Group = group }, withBias: true);
    }

    private static void CheckAgainstOnnxRuntime(Random random, int batch, int channels, int h, int w, int outputs, int kh, int kw, ConvolutionOptions options, bool withBias)
    {
        var input = RandomTensor(random, batch, channels, h, w);
        var weights = RandomTensor(random, outputs, channels / options.Group, kh, kw);
        var bias = withBias ? RandomTensor(random, outputs) : null;
        long[] inputShape = [batch, channels, h, w];
        // ONNX Runtime rejects SAME_* auto_pad with dilations; give it the pads ONNX's formula resolves to instead.
        var ortOptions = options.AutoPad is AutoPad.SameUpper or AutoPad.SameLower && options.Dilations != (1, 1)
            ? options with { AutoPad = AutoPad.NotSet, Pads = options.ResolvePads(h, w, kh, kw) }
            : options;
        var model = OnnxConvModel.Build(inputShape, Flatten(weights), [outputs, channels / options.Group, kh, kw], bias is null ? null : Flatten(bias), ortOptions);
        var expected = OnnxConvModel.Run(model, Flatten(input), inputShape);
        var actual = Flatten(Interpretability.Convolution.Conv2D(input, weights, bias, options));

        // ONNX Runtime sums in its own order; the oracle's magnitudes give the scale of both rounding errors.
        var (_, magnitude) = ConvolutionOracle.Conv2D(Flatten(input), batch, channels, h, w, Flatten(weights), outputs, kh, kw, bias is null ? null : Flatten(bias), options);
        AssertClose(expected, magnitude, actual, $"ORT N={batch} C={channels} {h}x{w} O={outputs} kernel {kh}x{kw} {Describe(options)}");
    }
}
