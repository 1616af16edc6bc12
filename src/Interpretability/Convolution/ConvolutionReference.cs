namespace Interpretability;

/// <summary>
/// The scalar oracle: ONNX <c>Conv</c> written as the naive direct loop of its definition, with a
/// double accumulator. Every fast path is tested against it; it is kept in the product so that the
/// definition the fast paths must match lives next to them.
/// </summary>
internal static class ConvolutionReference
{
    /// <summary>
    /// <c>output[n, o, y, x] = bias[o] + sum over c, ky, kx of
    /// input[n, g * C/G + c, y * sy - padTop + ky * dy, x * sx - padLeft + kx * dx] * weights[o, c, ky, kx]</c>,
    /// where <c>g = o / (O/G)</c> and input positions outside the image read zero.
    /// </summary>
    /// <param name="input">Dense <c>[batch, channels, height, width]</c>.</param>
    /// <param name="batch">N.</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="weights">Dense <c>[outputChannels, channels / group, kernelHeight, kernelWidth]</c>.</param>
    /// <param name="outputChannels">O.</param>
    /// <param name="kernelHeight">kh.</param>
    /// <param name="kernelWidth">kw.</param>
    /// <param name="bias">O values, or empty for none.</param>
    /// <param name="options">Strides, pads, dilations, group, auto_pad.</param>
    /// <param name="output">Dense <c>[batch, outputChannels, OH, OW]</c>.</param>
    /// <param name="magnitude">Empty, or like <paramref name="output"/>: receives <c>|bias| + sum |x * w|</c> over the receptive field, the scale of the rounding error a float sum may make.</param>
    public static void Conv2D(
        ReadOnlySpan<float> input, int batch, int channels, int height, int width,
        ReadOnlySpan<float> weights, int outputChannels, int kernelHeight, int kernelWidth,
        ReadOnlySpan<float> bias, ConvolutionOptions options, Span<float> output, Span<float> magnitude = default)
    {
        var g = new ConvGeometry(height, width, kernelHeight, kernelWidth, options);
        int groups = options.Group;
        int groupChannels = channels / groups;
        int groupOutputs = outputChannels / groups;
        int oh = g.OutputHeight, ow = g.OutputWidth;
        for (int n = 0; n < batch; n++)
        {
            for (int o = 0; o < outputChannels; o++)
            {
                int firstChannel = o / groupOutputs * groupChannels;
                for (int y = 0; y < oh; y++)
                {
                    for (int x = 0; x < ow; x++)
                    {
                        double sum = bias.IsEmpty ? 0 : bias[o];
                        double size = Math.Abs(sum);
                        for (int c = 0; c < groupChannels; c++)
                        {
                            for (int ky = 0; ky < kernelHeight; ky++)
                            {
                                long iy = ((long)y * g.StrideY) - g.PadTop + ((long)ky * g.DilationY);
                                if (iy < 0 || iy >= height)
                                {
                                    continue;
                                }

                                for (int kx = 0; kx < kernelWidth; kx++)
                                {
                                    long ix = ((long)x * g.StrideX) - g.PadLeft + ((long)kx * g.DilationX);
                                    if (ix < 0 || ix >= width)
                                    {
                                        continue;
                                    }

                                    double product = (double)input[(int)((((((long)n * channels) + firstChannel + c) * height) + iy) * width + ix)]
                                        * weights[((((o * groupChannels) + c) * kernelHeight) + ky) * kernelWidth + kx];
                                    sum += product;
                                    size += Math.Abs(product);
                                }
                            }
                        }

                        int at = ((((n * outputChannels) + o) * oh) + y) * ow + x;
                        output[at] = (float)sum;
                        if (!magnitude.IsEmpty)
                        {
                            magnitude[at] = (float)size;
                        }
                    }
                }
            }
        }
    }
}
