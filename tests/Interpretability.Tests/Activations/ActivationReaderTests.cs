namespace Interpretability.Tests.Activations;

/// <summary>The reusable reader gives what GetActivations gives, in buffers it keeps from run to run.</summary>
public class ActivationReaderTests
{
    private static Tensor<float> Batch(int seed, int n = 16)
    {
        var random = new Random(seed);
        return Tensor.Create(Enumerable.Range(0, n * 784).Select(_ => random.NextSingle()).ToArray(), [n, 1, 28, 28]);
    }

    [Fact]
    public void Read_EqualsGetActivationsAndReusesItsBuffers()
    {
        using var model = Model.Load(ActivationTests.LectureModel);
        using var reader = model.CreateActivationReader();

        var first = reader.Read(Batch(1));
        var firstConv = first[model.Layers[0]];
        var expectedFirst = model.GetActivations(Batch(1));
        Assert.Equal(expectedFirst[model.Layers[0]].ToArray(), firstConv.ToArray());

        // The second read (shapes now known) writes into buffers that are kept from then on.
        var second = reader.Read(Batch(2));
        var third = reader.Read(Batch(3));
        var expectedThird = model.GetActivations(Batch(3));

        Assert.Same(second[model.Layers[2]], third[model.Layers[2]]);

        // The view over those buffers is kept too (the reshape-only Flatten's tensor included),
        // and shows each run's values, checked against GetActivations below.
        Assert.Same(second, third);
        foreach (var layer in model.Layers)
        {
            Assert.Equal(expectedThird[layer].ToArray(), third[layer].ToArray());
        }

        Assert.Equal(expectedThird.Outputs[0].ToArray(), third.Outputs[0].ToArray());
    }

    [Fact]
    public void Read_AllocatesNoOutputMemoryOnceWarm()
    {
        using var model = Model.Load(ActivationTests.LectureModel);
        using var reader = model.CreateActivationReader();
        var input = Batch(4, n: 64);
        reader.Read(input);
        reader.Read(input);

        var before = GC.GetAllocatedBytesForCurrentThread();
        reader.Read(input);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // The activations of 64 images are 8.4 MB; what is left is bookkeeping (the input's OrtValue
        // and pin, ONNX Runtime's name lists): 2,960 bytes when measured.
        Assert.True(allocated < 8 * 1024, $"{allocated:N0} bytes allocated by a warm Read");
    }

    [Fact]
    public void Read_HandlesInputShapesChangingBetweenCalls()
    {
        using var model = Model.Load(ActivationTests.LectureModel);
        using var reader = model.CreateActivationReader(model.Layers[0]);

        foreach (var n in new[] { 2, 5, 2, 5, 1 })
        {
            var input = Batch(n, n);
            Assert.Equal(model.GetActivations(input, model.Layers[0])[model.Layers[0]].ToArray(), reader.Read(input)[model.Layers[0]].ToArray());
            Assert.Equal([n, 5, 26, 26], reader.Read(input)[model.Layers[0]].Lengths.ToArray());
        }
    }

    [Fact]
    public void Read_AfterDisposeThrows()
    {
        using var model = Model.Load(ActivationTests.LectureModel);
        var reader = model.CreateActivationReader(model.Layers[0]);
        reader.Dispose();

        Assert.Throws<ObjectDisposedException>(() => reader.Read(Batch(1)));
    }
}
