using Interpretability.Rendering;

namespace Interpretability.Tests.Rendering;

/// <summary>
/// Compares a figure with a reference PNG under TestData/reference, tolerating small differences
/// (text antialiasing may differ between platforms' font rasterisers). On failure it writes the
/// actual image and a diff next to the test output and names them in the message. References are
/// made once, looked at, and committed; they are never rewritten to make a test pass.
/// </summary>
internal static class ImageComparer
{
    public static void MatchesReference(Figure actual, string name, int channelTolerance = 24, double maxDifferentFraction = 0.005)
    {
        var referencePath = TestPaths.Data("reference", name + ".png");
        var output = TestPaths.Output("reference");
        var actualPath = Path.Combine(output, name + ".actual.png");
        if (!File.Exists(referencePath))
        {
            actual.SavePng(actualPath);
            Assert.Fail($"No reference image {name}.png. The actual image is at {actualPath}: look at it, and if it is right copy it to tests/Interpretability.Tests/TestData/reference/{name}.png.");
        }

        var expected = PngCodec.Decode(File.ReadAllBytes(referencePath));
        Assert.NotNull(expected);
        if (expected.Width != actual.Width || expected.Height != actual.Height)
        {
            actual.SavePng(actualPath);
            Assert.Fail($"{name}: the figure is {actual.Width}×{actual.Height} but the reference is {expected.Width}×{expected.Height}. Actual: {actualPath}");
        }

        var e = expected.Pixels;
        var a = actual.Pixels;
        var diff = new byte[a.Length];
        var different = 0;
        var worst = 0;
        for (var i = 0; i < a.Length; i += 4)
        {
            var d = Math.Max(Math.Abs(a[i] - e[i]), Math.Max(Math.Abs(a[i + 1] - e[i + 1]), Math.Abs(a[i + 2] - e[i + 2])));
            worst = Math.Max(worst, d);
            if (d > channelTolerance)
            {
                different++;
                (diff[i], diff[i + 1], diff[i + 2]) = ((byte)255, (byte)0, (byte)0);
            }
            else
            {
                // The reference, faded, so the red differences stand out in context.
                var g = (byte)(192 + (((e[i] + e[i + 1] + e[i + 2]) / 3) / 4));
                (diff[i], diff[i + 1], diff[i + 2]) = (g, g, g);
            }

            diff[i + 3] = 255;
        }

        var total = a.Length / 4;
        if (different > maxDifferentFraction * total)
        {
            actual.SavePng(actualPath);
            var diffPath = Path.Combine(output, name + ".diff.png");
            new Figure(actual.Width, actual.Height, diff).SavePng(diffPath);
            Assert.Fail($"{name}: {different} of {total} pixels differ by more than {channelTolerance} (worst {worst}); at most {maxDifferentFraction:P1} may. Actual: {actualPath} Diff: {diffPath}");
        }
    }
}
