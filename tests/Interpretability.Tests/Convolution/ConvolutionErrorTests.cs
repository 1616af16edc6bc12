namespace Interpretability.Tests.Convolution;

/// <summary>Every bad argument raises ArgumentException naming the parameter and quoting the values.</summary>
public class ConvolutionErrorTests
{
    private static Tensor<float> Zeros(params nint[] lengths) => Tensor.CreateFromShape<float>(lengths);

    private static void AssertThrows(string paramName, Action action, params string[] mentions)
    {
        var e = Assert.ThrowsAny<ArgumentException>(action);
        Assert.Equal(paramName, e.ParamName);
        foreach (var m in mentions)
        {
            Assert.Contains(m, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Convolve2D_ThrowsOnWrongRanks()
    {
        AssertThrows("image", () => Interpretability.Convolution.Convolve2D(Zeros(9), Zeros(3, 3)), "rank 1", "[9]");
        AssertThrows("image", () => Interpretability.Convolution.Convolve2D(Zeros(1, 1, 9, 9), Zeros(3, 3)), "rank 4", "[1, 1, 9, 9]");
        AssertThrows("kernel", () => Interpretability.Convolution.Convolve2D(Zeros(9, 9), Zeros(9)), "rank 1");
        AssertThrows("kernel", () => Interpretability.Convolution.Convolve2D(Zeros(9, 9), Zeros(1, 1, 3, 3)), "rank 4");
    }

    [Fact]
    public void Convolve2D_ThrowsOnChannelMismatch()
    {
        AssertThrows("kernel", () => Interpretability.Convolution.Convolve2D(Zeros(3, 9, 9), Zeros(2, 3, 3)), "2 channel(s)", "has 3");
        AssertThrows("kernel", () => Interpretability.Convolution.Convolve2D(Zeros(3, 9, 9), Zeros(3, 3)), "1 channel(s)", "has 3");
    }

    [Fact]
    public void Convolve2D_ThrowsWhenTheKernelIsLargerThanThePaddedImage()
    {
        AssertThrows("kernel", () => Interpretability.Convolution.Convolve2D(Zeros(2, 2), Zeros(3, 3)), "3x3", "2x2");
        AssertThrows("kernel", () => Interpretability.Convolution.Convolve2D(Zeros(5, 5), Zeros(3, 3), new ConvolutionOptions { Dilations = (3, 1) }), "dilated to 7x3", "5x5");

        // With padding it fits: a 2x2 image padded to 4x4 takes a 3x3 kernel.
        Assert.Equal([2, 2], Interpretability.Convolution.Convolve2D(Zeros(2, 2), Zeros(3, 3), ConvolutionOptions.WithPadding(1)).Lengths.ToArray());
    }

    [Fact]
    public void Convolve2D_ThrowsOnZeroLengthsAndGroups()
    {
        AssertThrows("image", () => Interpretability.Convolution.Convolve2D(Zeros(0, 5), Zeros(1, 1)), "[0, 5]");
        AssertThrows("kernel", () => Interpretability.Convolution.Convolve2D(Zeros(5, 5), Zeros(1, 0)), "[1, 0]");
        AssertThrows("options", () => Interpretability.Convolution.Convolve2D(Zeros(2, 5, 5), Zeros(2, 3, 3), new ConvolutionOptions { Group = 2 }), "Group must be 1", "2");
    }

    [Fact]
    public void Options_RejectNonPositiveStridesAndDilations()
    {
        Assert.Equal("Strides", Assert.Throws<ArgumentOutOfRangeException>(() => new ConvolutionOptions { Strides = (1, 0) }).ParamName);
        Assert.Equal("Strides", Assert.Throws<ArgumentOutOfRangeException>(() => new ConvolutionOptions { Strides = (-2, 1) }).ParamName);
        Assert.Equal("Dilations", Assert.Throws<ArgumentOutOfRangeException>(() => new ConvolutionOptions { Dilations = (0, 1) }).ParamName);
    }

    [Fact]
    public void Convolve2D_ThrowsOnWrongDestinationShape()
    {
        var image = Zeros(9, 9);
        var kernel = Zeros(3, 3);
        var destination = Zeros(9, 9);
        AssertThrows("destination", () => Interpretability.Convolution.Convolve2D(image, kernel, destination.AsTensorSpan()), "[9, 9]", "[7, 7]");
        AssertThrows("destination", () => Interpretability.Convolution.Convolve2D(image, kernel, Zeros(1, 7, 7).AsTensorSpan()), "[1, 7, 7]", "[7, 7]");
    }

    [Fact]
    public void Convolve2D_ThrowsWhenTheDestinationOverlapsAnInput()
    {
        var buffer = new float[200];
        var other = new float[81];
        AssertThrows("destination", () => Interpretability.Convolution.Convolve2D(new ReadOnlyTensorSpan<float>(buffer, [9, 9]), Zeros(3, 3), new TensorSpan<float>(buffer.AsSpan(80, 49), [7, 7])), "image");
        AssertThrows("destination", () => Interpretability.Convolution.Convolve2D(new ReadOnlyTensorSpan<float>(other, [9, 9]), new ReadOnlyTensorSpan<float>(buffer.AsSpan(150, 9), [3, 3]), new TensorSpan<float>(buffer.AsSpan(110, 49), [7, 7])), "kernel");

        // Adjacent is not overlapping.
        Interpretability.Convolution.Convolve2D(new ReadOnlyTensorSpan<float>(buffer, [9, 9]), Zeros(3, 3), new TensorSpan<float>(buffer.AsSpan(81, 49), [7, 7]));
    }

    [Fact]
    public void Conv2D_ThrowsOnWrongRanksAndShapes()
    {
        AssertThrows("input", () => Interpretability.Convolution.Conv2D(Zeros(9, 9), Zeros(4, 1, 3, 3)), "rank 2");
        AssertThrows("input", () => Interpretability.Convolution.Conv2D(Zeros(1, 1, 1, 9, 9), Zeros(4, 1, 3, 3)), "rank 5");
        AssertThrows("weights", () => Interpretability.Convolution.Conv2D(Zeros(1, 9, 9), Zeros(1, 3, 3)), "rank 3", "[O, C/group, kh, kw]");
        AssertThrows("bias", () => Interpretability.Convolution.Conv2D(Zeros(1, 9, 9), Zeros(4, 1, 3, 3), Zeros(3)), "[3]", "[4]");
        AssertThrows("input", () => Interpretability.Convolution.Conv2D(Zeros(3, 9, 9), Zeros(4, 2, 3, 3)), "3 channels", "2 per group");
        AssertThrows("weights", () => Interpretability.Convolution.Conv2D(Zeros(1, 2, 2), Zeros(4, 1, 3, 3)), "3x3", "2x2");
    }

    [Fact]
    public void Conv2D_ThrowsWhenTheGroupDoesNotDivideTheChannels()
    {
        AssertThrows("input", () => Interpretability.Convolution.Conv2D(Zeros(6, 9, 9), Zeros(8, 1, 3, 3), options: new ConvolutionOptions { Group = 4 }), "Group is 4", "6 input channels");
        AssertThrows("weights", () => Interpretability.Convolution.Conv2D(Zeros(4, 9, 9), Zeros(6, 1, 3, 3), options: new ConvolutionOptions { Group = 4 }), "Group is 4", "6 output channels");
    }

    [Fact]
    public void OutputShapeHelpers_ApplyTheSameChecks()
    {
        Assert.Equal([7, 4], Interpretability.Convolution.GetConvolve2DOutputShape([3, 9, 8], [3, 3, 5]));
        Assert.Equal([2, 16, 5, 5], Interpretability.Convolution.GetConv2DOutputShape([2, 3, 9, 9], [16, 3, 3, 3], new ConvolutionOptions { Strides = (2, 2), Pads = (1, 1, 1, 1) }));
        Assert.Equal([16, 9, 9], Interpretability.Convolution.GetConv2DOutputShape([4, 9, 9], [16, 2, 3, 3], ConvolutionOptions.Same with { Group = 2 }));
        AssertThrows("kernel", () => Interpretability.Convolution.GetConvolve2DOutputShape([2, 2], [3, 3]), "3x3");
        AssertThrows("input", () => Interpretability.Convolution.GetConv2DOutputShape([3, 9, 9], [4, 2, 3, 3]), "3 channels");
    }

    [Fact]
    public void Conv2DPlan_ThrowsOnWrongDestination()
    {
        var plan = new Conv2DPlan(Zeros(4, 2, 3, 3), null, null);
        var input = Zeros(2, 9, 9);
        AssertThrows("destination", () => plan.Run(input, Zeros(4, 9, 9).AsTensorSpan()), "[4, 9, 9]", "[4, 7, 7]");
        var larger = new float[4 * 7 * 7];
        AssertThrows("destination", () => plan.Run(new ReadOnlyTensorSpan<float>(larger.AsSpan(0, 2 * 9 * 9), [2, 9, 9]), new TensorSpan<float>(larger, [4, 7, 7])), "input");
    }
}
