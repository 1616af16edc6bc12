using System.Numerics.Tensors;

namespace Interpretability;

/// <summary>
/// Fashion-MNIST (Zalando Research, MIT licence): 28×28 gray images of clothing in 10 classes, stored
/// as IDX files (see <see cref="Idx"/>).
/// </summary>
public static class FashionMnist
{
    /// <summary>The class names, indexed by label: 0 "T-shirt/top" to 9 "Ankle boot".</summary>
    public static IReadOnlyList<string> ClassNames { get; } = Array.AsReadOnly(
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]);

    /// <summary>Reads a pair of images and labels files and checks that they belong together.</summary>
    /// <param name="imagesPath">For example t10k-images-idx3-ubyte.gz.</param>
    /// <param name="labelsPath">For example t10k-labels-idx1-ubyte.gz.</param>
    /// <returns>The images [N, 28, 28] in [0, 1] and one label (0 to 9) per image.</returns>
    /// <exception cref="InvalidIdxException">A file is malformed, the counts differ, or a label is not 0 to 9.</exception>
    public static (Tensor<float> Images, int[] Labels) Load(string imagesPath, string labelsPath)
    {
        var images = Idx.ReadImages(imagesPath);
        var labels = Idx.ReadLabels(labelsPath);
        if (images.Lengths[0] != labels.Length)
        {
            throw new InvalidIdxException($"{imagesPath} holds {images.Lengths[0]} images but {labelsPath} holds {labels.Length} labels; they must be equal.");
        }

        for (var i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)ClassNames.Count)
            {
                throw new InvalidIdxException($"{labelsPath} has label {labels[i]} at index {i}; Fashion-MNIST labels are 0 to {ClassNames.Count - 1}.");
            }
        }

        return (images, labels);
    }
}
