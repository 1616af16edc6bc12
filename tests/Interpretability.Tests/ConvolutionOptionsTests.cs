namespace Interpretability.Tests;

public class ConvolutionOptionsTests
{
    [Theory]
    // input, kernel, stride, dilation, expected output along one axis, expected (begin, end) pads
    [InlineData(5, 3, 1, 1, 5, 1, 1)]
    [InlineData(5, 3, 2, 1, 3, 1, 1)]
    [InlineData(6, 3, 2, 1, 3, 0, 1)]
    [InlineData(7, 4, 1, 1, 7, 1, 2)]
    [InlineData(7, 3, 1, 2, 7, 2, 2)]
    [InlineData(1, 7, 3, 1, 1, 3, 3)]
    public void ResolvePads_SameUpperPutsTheExtraPadAtTheEnd(int input, int kernel, int stride, int dilation, int output, int begin, int end)
    {
        var options = new ConvolutionOptions { AutoPad = AutoPad.SameUpper, Strides = (stride, stride), Dilations = (dilation, dilation) };

        var pads = options.ResolvePads(input, input, kernel, kernel);
        var size = options.GetOutputSize(input, input, kernel, kernel);

        Assert.Equal((begin, begin, end, end), pads);
        Assert.Equal((output, output), size);
    }

    [Fact]
    public void ResolvePads_SameLowerPutsTheExtraPadAtTheBeginning()
    {
        var options = new ConvolutionOptions { AutoPad = AutoPad.SameLower, Strides = (2, 2) };

        Assert.Equal((1, 1, 0, 0), options.ResolvePads(6, 6, 3, 3));
    }

    [Fact]
    public void GetOutputSize_UsesExplicitAsymmetricPads()
    {
        // ONNX test_conv_with_strides_and_asymmetric_padding: 7x5 input, 3x3 kernel, strides 2, pads [1, 0, 1, 0] -> 4x2.
        var options = new ConvolutionOptions { Strides = (2, 2), Pads = (1, 0, 1, 0) };

        Assert.Equal((4, 2), options.GetOutputSize(7, 5, 3, 3));
    }

    [Fact]
    public void GetOutputSize_IsZeroWhenTheKernelDoesNotFit()
    {
        Assert.Equal((0, 0), ConvolutionOptions.Default.GetOutputSize(2, 2, 3, 3));
    }

    [Fact]
    public void Init_RejectsNonPositiveStridesAndDilationsAndNegativePads()
    {
        Assert.Equal("Strides", Assert.Throws<ArgumentOutOfRangeException>(() => new ConvolutionOptions { Strides = (0, 1) }).ParamName);
        Assert.Equal("Dilations", Assert.Throws<ArgumentOutOfRangeException>(() => new ConvolutionOptions { Dilations = (1, -1) }).ParamName);
        Assert.Equal("Pads", Assert.Throws<ArgumentOutOfRangeException>(() => new ConvolutionOptions { Pads = (0, 0, -1, 0) }).ParamName);
        Assert.Equal("Group", Assert.Throws<ArgumentOutOfRangeException>(() => new ConvolutionOptions { Group = 0 }).ParamName);
        Assert.Equal("AutoPad", Assert.Throws<ArgumentOutOfRangeException>(() => new ConvolutionOptions { AutoPad = (AutoPad)9 }).ParamName);
    }
}
