using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Interpretability.Internals;

namespace Interpretability;

public static partial class Convolution
{
    /// <summary>Argument checks shared by every entry point; the messages are built only on the cold path.</summary>
    internal static class Errors
    {
        /// <summary>
        /// Checks an <c>[H, W]</c> or <c>[C, H, W]</c> image against a <c>[kh, kw]</c> or <c>[C, kh, kw]</c>
        /// kernel and returns the geometry of their convolution.
        /// </summary>
        public static ConvGeometry CheckConvolve2D(ReadOnlySpan<nint> image, ReadOnlySpan<nint> kernel, ConvolutionOptions options, out int channels)
        {
            if (image.Length is not (2 or 3))
            {
                ThrowRank("image", image, "2 [H, W] or 3 [C, H, W]");
            }

            if (kernel.Length is not (2 or 3))
            {
                ThrowRank("kernel", kernel, "2 [kh, kw] or 3 [C, kh, kw]");
            }

            CheckPositive("image", image);
            CheckPositive("kernel", kernel);
            if (options.Group != 1)
            {
                ThrowGroupNotOne(options.Group);
            }

            channels = image.Length == 3 ? (int)image[0] : 1;
            int kernelChannels = kernel.Length == 3 ? (int)kernel[0] : 1;
            if (channels != kernelChannels)
            {
                ThrowChannelMismatch("kernel", kernel, kernelChannels, image, channels);
            }

            return CheckFits("kernel", (int)image[^2], (int)image[^1], (int)kernel[^2], (int)kernel[^1], options);
        }

        /// <summary>Checks <c>[O, C/group, kh, kw]</c> weights, an optional <c>[O]</c> bias and the group count.</summary>
        public static void CheckConv2DWeights(ReadOnlySpan<nint> weights, ReadOnlySpan<nint> bias, bool hasBias, ConvolutionOptions options)
        {
            if (weights.Length != 4)
            {
                ThrowRank("weights", weights, "4 [O, C/group, kh, kw]");
            }

            CheckPositive("weights", weights);
            if (weights[0] % options.Group != 0)
            {
                ThrowGroupDoesNotDivide("weights", "output channels", weights[0], options.Group);
            }

            if (hasBias && (bias.Length != 1 || bias[0] != weights[0]))
            {
                ThrowBias(bias, weights[0]);
            }
        }

        /// <summary>Checks a <c>[C, H, W]</c> or <c>[N, C, H, W]</c> input against checked weights and returns the geometry.</summary>
        public static ConvGeometry CheckConv2DInput(ReadOnlySpan<nint> input, int weightChannels, int kernelHeight, int kernelWidth, ConvolutionOptions options)
        {
            if (input.Length is not (3 or 4))
            {
                ThrowRank("input", input, "3 [C, H, W] or 4 [N, C, H, W]");
            }

            CheckPositive("input", input);
            int channels = (int)input[^3];
            if (channels % options.Group != 0)
            {
                ThrowGroupDoesNotDivide("input", "input channels", channels, options.Group);
            }

            if ((long)weightChannels * options.Group != channels)
            {
                ThrowWeightChannels(input, channels, weightChannels, options.Group);
            }

            return CheckFits("weights", (int)input[^2], (int)input[^1], kernelHeight, kernelWidth, options);
        }

        /// <summary>Checks that a destination has exactly the expected lengths.</summary>
        public static void CheckDestination(ReadOnlySpan<nint> destination, ReadOnlySpan<nint> expected)
        {
            if (!destination.SequenceEqual(expected))
            {
                ThrowDestinationShape(destination, expected);
            }
        }

        /// <summary>Throws when the destination's memory overlaps an input's.</summary>
        public static unsafe void CheckNoOverlap(float* destination, nint destinationExtent, float* input, nint inputExtent, string inputName)
        {
            if (destinationExtent > 0 && inputExtent > 0 && destination < input + inputExtent && input < destination + destinationExtent)
            {
                ThrowOverlap(inputName);
            }
        }

        /// <summary>Elements from the first to one past the last element of a strided tensor span, or 0 when it is empty.</summary>
        public static nint Extent(ReadOnlySpan<nint> lengths, ReadOnlySpan<nint> strides)
        {
            nint extent = 1;
            for (int i = 0; i < lengths.Length; i++)
            {
                if (lengths[i] == 0)
                {
                    return 0;
                }

                extent += (lengths[i] - 1) * strides[i];
            }

            return extent;
        }

        private static void CheckPositive(string name, ReadOnlySpan<nint> lengths)
        {
            foreach (var length in lengths)
            {
                if (length < 1 || length > int.MaxValue)
                {
                    ThrowLength(name, lengths);
                }
            }
        }

        private static ConvGeometry CheckFits(string kernelName, int height, int width, int kernelHeight, int kernelWidth, ConvolutionOptions options)
        {
            var g = new ConvGeometry(height, width, kernelHeight, kernelWidth, options);
            if (g.OutputHeight < 1 || g.OutputWidth < 1)
            {
                ThrowDoesNotFit(kernelName, g);
            }

            // The padded rows and packed images are indexed with native ints; keep every buffer well inside an array's reach.
            if (g.PaddedHeight * g.PaddedWidth > int.MaxValue / 4 || (long)g.OutputHeight * g.OutputWidth > int.MaxValue / 4)
            {
                ThrowTooLarge(kernelName, g);
            }

            return g;
        }

        private static string Shape(ReadOnlySpan<nint> lengths) => "[" + string.Join(", ", lengths.ToArray()) + "]";

        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowRank(string name, ReadOnlySpan<nint> lengths, string allowed) =>
            ThrowHelper.ThrowArgument(name, $"{name} has rank {lengths.Length} {Shape(lengths)}; it must have rank {allowed}.");

        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowLength(string name, ReadOnlySpan<nint> lengths) =>
            ThrowHelper.ThrowArgument(name, $"{name} has shape {Shape(lengths)}; every length must be between 1 and {int.MaxValue}.");

        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowGroupNotOne(int group) =>
            ThrowHelper.ThrowArgument("options", $"Convolve2D applies one kernel, so options.Group must be 1; it is {group}. Use Conv2D for grouped convolutions.");

        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowChannelMismatch(string name, ReadOnlySpan<nint> kernel, int kernelChannels, ReadOnlySpan<nint> image, int imageChannels) =>
            ThrowHelper.ThrowArgument(name, $"{name} {Shape(kernel)} has {kernelChannels} channel(s) but image {Shape(image)} has {imageChannels}; they must be equal.");

        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowGroupDoesNotDivide(string name, string what, nint count, int group) =>
            ThrowHelper.ThrowArgument(name, $"options.Group is {group}, which does not divide the {count} {what} of {name}; the group count must divide both the input and the output channels.");

        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowBias(ReadOnlySpan<nint> biasLengths, nint outputChannels) =>
            ThrowHelper.ThrowArgument("bias", $"bias has shape {Shape(biasLengths)}; it must be [{outputChannels}], one value per output channel.");

        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowWeightChannels(ReadOnlySpan<nint> inputLengths, int channels, int weightChannels, int group) =>
            ThrowHelper.ThrowArgument("input", $"input {Shape(inputLengths)} has {channels} channels, but the weights expect {weightChannels} per group x {group} group(s) = {(long)weightChannels * group}.");

        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowDoesNotFit(string name, ConvGeometry g) =>
            ThrowHelper.ThrowArgument(name, $"The {g.KernelHeight}x{g.KernelWidth} kernel (dilated to {((g.KernelHeight - 1L) * g.DilationY) + 1}x{((g.KernelWidth - 1L) * g.DilationX) + 1}) is larger than the {g.InputHeight}x{g.InputWidth} input padded to {g.PaddedHeight}x{g.PaddedWidth} (pads top, left, bottom, right = {g.PadTop}, {g.PadLeft}, {g.PadBottom}, {g.PadRight}); the output would be empty.");

        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowTooLarge(string name, ConvGeometry g) =>
            ThrowHelper.ThrowArgument(name, $"The {g.InputHeight}x{g.InputWidth} input padded to {g.PaddedHeight}x{g.PaddedWidth} with a {g.OutputHeight}x{g.OutputWidth} output is too large; a padded plane must hold fewer than {int.MaxValue / 4} floats.");

        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowDestinationShape(ReadOnlySpan<nint> destinationLengths, ReadOnlySpan<nint> expected) =>
            ThrowHelper.ThrowArgument("destination", $"destination has shape {Shape(destinationLengths)}; it must be {Shape(expected)}.");

        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowOverlap(string inputName) =>
            ThrowHelper.ThrowArgument("destination", $"destination overlaps {inputName} in memory; write the result to a separate buffer.");
    }
}
