using System.Numerics.Tensors;
using Interpretability.Imaging;
using Interpretability.Internals;

namespace Interpretability;

/// <summary>Preparing images for the model's declared input.</summary>
public sealed partial class Model
{
    /// <summary>
    /// Loads PNG or JPEG files as one batch shaped for <see cref="Input"/>: grayscale or RGB and
    /// height and width as the input declares them (resized as <paramref name="options"/> say,
    /// centre-crop fill by default), values in [0, 1] then normalised with the options' mean and
    /// standard deviation when given, in the input's layout (<c>[N, C, H, W]</c>, or
    /// <c>[N, H, W, C]</c> for channels-last models such as Keras exports).
    /// </summary>
    /// <param name="paths">Image files.</param>
    /// <param name="options">Resize mode, mean and standard deviation, limits; the colour and size come from the model.</param>
    /// <returns>A batch ready for <see cref="Run(Tensor{float})"/> and <see cref="GetActivations(Tensor{float})"/>.</returns>
    /// <exception cref="InvalidImageException">A file is not a readable PNG or JPEG within the limits.</exception>
    /// <exception cref="InvalidOperationException">The model's input is not an image tensor: <c>[N, C, H, W]</c> with C = 1 or 3, <c>[N, H, W, C]</c> with C = 1 or 3 and H above 4, or <c>[N, H, W]</c>.</exception>
    public Tensor<float> LoadInput(IEnumerable<string> paths, ImageLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var layout = ImageLayout();
        var batch = Images.LoadBatch(paths, Fit(options, layout));
        return Arrange(batch, layout);
    }

    /// <summary>Shapes one in-memory image for <see cref="Input"/>; see <see cref="PrepareInput(IEnumerable{Tensor{float}}, ImageLoadOptions?)"/>.</summary>
    /// <param name="image"><c>[H, W]</c> grayscale or <c>[C, H, W]</c> with C = 1 or 3, values in [0, 1].</param>
    /// <param name="options">Resize mode, mean and standard deviation.</param>
    /// <returns>A batch of one.</returns>
    public Tensor<float> PrepareInput(Tensor<float> image, ImageLoadOptions? options = null) => PrepareInput([image], options);

    /// <summary>
    /// Shapes in-memory images (values in [0, 1]) as one batch for <see cref="Input"/>: converts
    /// between grayscale and RGB (ITU-R 601 luma, or gray repeated), resizes to the declared height
    /// and width, normalises with the options' mean and standard deviation, and stacks them in the
    /// input's layout.
    /// </summary>
    /// <param name="images">Each <c>[H, W]</c> grayscale or <c>[C, H, W]</c> with C = 1 or 3.</param>
    /// <param name="options">Resize mode, mean and standard deviation.</param>
    /// <returns>A batch ready for <see cref="Run(Tensor{float})"/> and <see cref="GetActivations(Tensor{float})"/>.</returns>
    /// <exception cref="ArgumentException">An image has another rank or channel count, or the sizes differ when the model's size is dynamic.</exception>
    /// <exception cref="InvalidOperationException">The model's input is not an image tensor.</exception>
    public Tensor<float> PrepareInput(IEnumerable<Tensor<float>> images, ImageLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        var layout = ImageLayout();
        var fitted = Fit(options, layout);
        var planes = new List<ImageDecoder.Planes>();
        foreach (var image in images)
        {
            ArgumentNullException.ThrowIfNull(image, nameof(images));
            var plane = ToPlanes(image, planes.Count);
            plane = ConvertChannels(plane, layout.Channels);
            planes.Add(ImageDecoder.Prepare(plane with { Data = (float[])plane.Data.Clone() }, fitted));
        }

        if (planes.Count == 0)
        {
            ThrowHelper.ThrowArgument(nameof(images), "Give at least one image.");
        }

        var first = planes[0];
        if (planes.Any(p => p.Rows != first.Rows || p.Cols != first.Cols))
        {
            ThrowHelper.ThrowArgument(nameof(images), $"The images have different sizes ({string.Join(", ", planes.Select(p => $"{p.Rows}x{p.Cols}"))}) and the model's input {Input} does not fix one; resize them first.");
        }

        var batch = new float[planes.Count * first.Data.Length];
        for (var i = 0; i < planes.Count; i++)
        {
            planes[i].Data.CopyTo(batch, i * first.Data.Length);
        }

        return Arrange(Tensor.Create(batch, [planes.Count, first.Channels, first.Rows, first.Cols]), layout);
    }

    private readonly record struct InputLayout(int Channels, int? Height, int? Width, bool ChannelsLast, bool HasChannelAxis);

    private InputLayout ImageLayout()
    {
        var input = Input;
        var shape = input.Shape;
        switch (shape?.Count)
        {
            case 4 when shape[1] is 1 or 3:
                return new InputLayout(shape[1]!.Value, shape[2], shape[3], ChannelsLast: false, HasChannelAxis: true);
            case 4 when shape[3] is 1 or 3 && shape[1] is > 4:
                return new InputLayout(shape[3]!.Value, shape[1], shape[2], ChannelsLast: true, HasChannelAxis: true);
            case 3:
                return new InputLayout(1, shape[1], shape[2], ChannelsLast: false, HasChannelAxis: false);
            default:
                return ThrowHelper.ThrowInvalidOperation<InputLayout>($"The model's input {input} is not an image batch ([N, C, H, W] or [N, H, W, C] with 1 or 3 channels, or [N, H, W]); build the input tensor yourself.");
        }
    }

    private static ImageLoadOptions Fit(ImageLoadOptions? options, InputLayout layout) => (options ?? ImageLoadOptions.Default) with
    {
        Color = layout.Channels == 1 ? ImageColor.Grayscale : ImageColor.Rgb,
        Width = layout.Width ?? options?.Width,
        Height = layout.Height ?? options?.Height,
    };

    private static Tensor<float> Arrange(Tensor<float> batch, InputLayout layout)
    {
        var lengths = batch.Lengths.ToArray();
        var (n, c, h, w) = ((int)lengths[0], (int)lengths[1], (int)lengths[2], (int)lengths[3]);
        if (!layout.HasChannelAxis)
        {
            return Tensor.Create(batch.ToArray(), [n, h, w]);
        }

        if (!layout.ChannelsLast)
        {
            return batch;
        }

        var source = batch.ToArray();
        var result = new float[source.Length];
        for (var i = 0; i < n; i++)
        {
            for (var ch = 0; ch < c; ch++)
            {
                for (var p = 0; p < h * w; p++)
                {
                    result[(((i * h * w) + p) * c) + ch] = source[(((i * c) + ch) * h * w) + p];
                }
            }
        }

        return Tensor.Create(result, [n, h, w, c]);
    }

    private static ImageDecoder.Planes ToPlanes(Tensor<float> image, int index)
    {
        var lengths = image.Lengths;
        var (channels, rows, cols) = image.Rank switch
        {
            2 => (1, (int)lengths[0], (int)lengths[1]),
            3 when lengths[0] is 1 or 3 => ((int)lengths[0], (int)lengths[1], (int)lengths[2]),
            _ => ThrowHelper.ThrowArgument<(int, int, int)>("images", $"Image {index} is {Onnx.Shapes.Format(lengths)}; give [H, W] grayscale or [C, H, W] with 1 or 3 channels."),
        };
        return new ImageDecoder.Planes(image.ToArray(), channels, rows, cols);
    }

    private static ImageDecoder.Planes ConvertChannels(ImageDecoder.Planes image, int channels)
    {
        if (image.Channels == channels)
        {
            return image;
        }

        var n = image.Rows * image.Cols;
        if (channels == 3)
        {
            return image with { Data = [.. image.Data, .. image.Data, .. image.Data], Channels = 3 };
        }

        var gray = new float[n];
        for (var i = 0; i < n; i++)
        {
            // ITU-R 601-2 luma, the weights of Pillow's convert("L").
            gray[i] = (0.299f * image.Data[i]) + (0.587f * image.Data[n + i]) + (0.114f * image.Data[(2 * n) + i]);
        }

        return image with { Data = gray, Channels = 1 };
    }
}
