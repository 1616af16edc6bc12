using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using Interpretability.Internals;

namespace Interpretability;

/// <summary>
/// One learned kernel of a convolution layer, with the layer's bias for it and the layer's options:
/// render it, or convolve images with it to see what it responds to. Made by
/// <see cref="Layer.Kernel(int, int?)"/>.
/// </summary>
public sealed class Kernel
{
    private Kernel(Conv2DLayer layer, int index, int? channel, Tensor<float> values, float bias)
    {
        Layer = layer;
        Index = index;
        Channel = channel;
        Values = values;
        Bias = bias;
    }

    /// <summary>The layer the kernel belongs to.</summary>
    public Conv2DLayer Layer { get; }

    /// <summary>The kernel's index (its output channel).</summary>
    public int Index { get; }

    /// <summary>The input channel this kernel was sliced to, or null when it covers all of its channels.</summary>
    public int? Channel { get; }

    /// <summary>The weights: <c>[kh, kw]</c>, or <c>[channels, kh, kw]</c> for a kernel over several channels.</summary>
    public Tensor<float> Values { get; }

    /// <summary>The layer's bias for this kernel (0 when the layer has none).</summary>
    public float Bias { get; }

    /// <summary>"conv1 kernel 0" (with " channel c" when sliced).</summary>
    public string Label => $"{Layer.Name} kernel {Index}{(Channel is int c ? $" channel {c}" : string.Empty)}";

    internal static Kernel From(Conv2DLayer layer, LayerWeights weights, int index, int? channel)
    {
        var perGroup = (int)weights.Kernel.Lengths[1];
        if (channel is int c && (uint)c >= (uint)perGroup)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(channel), c, $"Kernel {index} of layer '{layer.Name}' has {perGroup} input channels (0 to {perGroup - 1}).");
        }

        Tensor<float> values;
        if (channel is int chosen || perGroup == 1)
        {
            values = weights.Kernel2D(index, channel ?? 0);
        }
        else
        {
            var (height, width) = layer.KernelSize;
            var data = weights.Kernel.GetSpan([index, 0, 0, 0], perGroup * height * width).ToArray();
            values = Tensor.Create(data, [perGroup, height, width]);
        }

        var bias = weights.Bias is { } b ? b[index] : 0f;
        return new Kernel(layer, index, channel, values, bias);
    }

    /// <summary>
    /// Convolves an image with this kernel using the layer's own strides, padding and dilations
    /// (ONNX Conv semantics): the lecture's "filtered image", showing what the kernel responds to.
    /// With <paramref name="addBias"/>, this is exactly channel <see cref="Index"/> of the layer's
    /// output (before the activation function) when the image is the layer's input.
    /// </summary>
    /// <param name="image"><c>[H, W]</c> (or with leading 1s) for a one-channel kernel, <c>[channels, H, W]</c> for a kernel over several.</param>
    /// <param name="addBias">Add the layer's bias for this kernel.</param>
    /// <returns>The image, the kernel and the response, ready to render.</returns>
    /// <exception cref="ArgumentException">The image's shape does not fit the kernel.</exception>
    public Responses Convolve(Tensor<float> image, bool addBias = false) => Convolve([image], null, addBias);

    /// <summary>Convolves several images with this kernel; see <see cref="Convolve(Tensor{float}, bool)"/>.</summary>
    /// <param name="images">The images.</param>
    /// <param name="labels">One label per image, or null.</param>
    /// <param name="addBias">Add the layer's bias for this kernel.</param>
    /// <returns>One response per image, ready to render.</returns>
    public Responses Convolve(IReadOnlyList<Tensor<float>> images, IReadOnlyList<string>? labels = null, bool addBias = false) =>
        Responses.Compute(images, [this], labels, addBias);

    /// <summary>Draws the kernel large, with its values, in a diverging colormap (white at zero).</summary>
    /// <param name="options">Rendering options; the title defaults to the kernel's label.</param>
    /// <returns>The figure.</returns>
    public Figure Render(RenderOptions? options = null)
    {
        var o = (options ?? RenderOptions.Default) with { Title = options?.Title ?? Label };
        return Values.Rank == 2
            ? Interpretability.Render.Heatmap(Values, o)
            : Interpretability.Render.KernelGrid(Tensor.Create(Values.ToArray(), [1, .. Values.Lengths]), o);
    }

    /// <summary>Renders the kernel (<see cref="Render"/>) and writes it as PNG.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="options">Rendering options.</param>
    /// <returns>What was written.</returns>
    public PngFile SavePng(string path, RenderOptions? options = null) => Render(options).SavePng(path);

    /// <summary>The kernel's values as rows of numbers, like the lecture prints them.</summary>
    /// <returns>A multi-line string.</returns>
    public override string ToString()
    {
        var text = new StringBuilder(Label).AppendLine(":");
        var planes = Values.Rank == 2 ? 1 : (int)Values.Lengths[0];
        var rows = (int)Values.Lengths[^2];
        var cols = (int)Values.Lengths[^1];
        var data = Values.ToArray();
        for (var p = 0; p < planes; p++)
        {
            if (planes > 1)
            {
                text.Append(CultureInfo.InvariantCulture, $"  channel {p}:").AppendLine();
            }

            for (var y = 0; y < rows; y++)
            {
                text.Append("  [");
                for (var x = 0; x < cols; x++)
                {
                    text.Append(CultureInfo.InvariantCulture, $"{data[(((p * rows) + y) * cols) + x],9:0.0000}");
                }

                text.AppendLine(" ]");
            }
        }

        return text.ToString().TrimEnd();
    }
}
