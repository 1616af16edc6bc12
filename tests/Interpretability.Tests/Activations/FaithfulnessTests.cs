using Xunit.Abstractions;

namespace Interpretability.Tests.Activations;

/// <summary>
/// The lecture's claim, checked on every convolution of real models: convolving the layer's input
/// (as ONNX Runtime computed it) with kernel k, summed over the kernel's input channels, plus
/// bias[k], is channel k of the layer's activation from ONNX Runtime.
/// </summary>
public class FaithfulnessTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models() =>
    [
        Path.Combine("samples", "FashionMnistLecture", "model", "fashion_cnn.onnx"),
        Path.Combine("tests", "Interpretability.Tests", "TestData", "real", "squeezenet1_1.onnx"),
        Path.Combine("tests", "Interpretability.Tests", "TestData", "exported", "conv_variants.onnx"),
        Path.Combine("tests", "Interpretability.Tests", "TestData", "exported", "tf2onnx_like.onnx"),
    ];

    [Theory]
    [MemberData(nameof(Models))]
    public void Convolve2D_OfEveryKernelAndApplyOfEveryLayerEqualTheNetworksActivation(string relative)
    {
        using var model = Model.Load(Path.Combine(TestPaths.RepositoryRoot, relative));
        var shape = model.Input.Shape!.Select((d, i) => i == 0 ? 1 : d ?? 8).ToArray();
        var random = new Random(7);
        var input = Tensor.Create(Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(_ => random.NextSingle()).ToArray(), [.. shape.Select(d => (nint)d)]);
        var convolutions = model.Layers.OfType<Conv2DLayer>().ToArray();
        Assert.NotEmpty(convolutions);

        // Each convolution's input is the output of the layer that writes it (or the model's input).
        var producers = convolutions.Select(c => model.Layers.FirstOrDefault(l => l.Outputs.Contains(c.Inputs[0]))).ToArray();
        var activations = model.GetActivations(input, [.. convolutions.Cast<Layer>().Concat(producers.OfType<Layer>()).Distinct()]);

        var worst = 0.0;
        foreach (var (conv, producer) in convolutions.Zip(producers))
        {
            var layerInput = producer is null ? input : activations[producer];
            var channels = (int)layerInput.Lengths[1];
            var height = (int)layerInput.Lengths[2];
            var width = (int)layerInput.Lengths[3];
            var weights = conv.GetWeights();
            var expected = activations[conv];
            var perGroup = (int)weights.Kernel.Lengths[1];
            var outputsPerGroup = conv.Filters / conv.Options.Group;
            var plane = (int)(expected.Lengths[2] * expected.Lengths[3]);
            var inputData = layerInput.ToArray();

            // The whole layer at once, with its packed weights, is the same activation.
            var applied = conv.Apply(layerInput);
            var layerError = ActivationTests.ScaledError(applied.ToArray(), expected.ToArray());
            worst = Math.Max(worst, layerError);
            Assert.True(layerError < 1e-4, $"{relative}: Conv2DLayer.Apply of '{conv.Name}': scaled difference {layerError:E2}.");
            for (var k = 0; k < conv.Filters; k++)
            {
                // The kernel's input channels: its group's slice of the layer input.
                var first = k / outputsPerGroup * perGroup;
                var slice = Tensor.Create(inputData.AsSpan(first * height * width, perGroup * height * width).ToArray(), [perGroup, height, width]);
                var kernel = Tensor.Create(weights.Kernel.GetSpan([k, 0, 0, 0], perGroup * conv.KernelSize.Height * conv.KernelSize.Width).ToArray(), [perGroup, conv.KernelSize.Height, conv.KernelSize.Width]);
                var response = Interpretability.Convolution.Convolve2D(slice, kernel, conv.Options with { Group = 1 }, weights.Bias?[k] ?? 0f);
                var channel = expected.ToArray().AsSpan(k * plane, plane).ToArray();
                var error = ActivationTests.ScaledError(response.ToArray(), channel);
                worst = Math.Max(worst, error);
                Assert.True(error < 1e-4, $"{relative}: layer '{conv.Name}' kernel {k}: scaled difference {error:E2}.");
            }
        }

        output.WriteLine($"{relative}: {convolutions.Length} convolutions, {convolutions.Sum(c => c.Filters)} kernels; largest scaled difference {worst:E2}");
    }
}
