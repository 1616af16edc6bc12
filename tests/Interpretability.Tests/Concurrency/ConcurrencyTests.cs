using System.Diagnostics;
using System.Runtime.InteropServices;
using Xunit.Abstractions;

namespace Interpretability.Tests.Concurrency;

/// <summary>
/// Many threads loading models, reading weights, convolving, rendering, decoding images and IDX
/// files and taking activations at once get exactly what one thread gets: the same summaries,
/// bit-identical tensors and byte-identical PNGs. Threads share one <see cref="Model"/> and also load their own.
/// Disposal while other threads use a model is defined: runs in flight finish with correct results,
/// later ones throw <see cref="ObjectDisposedException"/>, weights stay readable.
/// </summary>
public sealed class ConcurrencyTests(ITestOutputHelper output)
{
    private const int Rounds = 6;

    /// <summary>Far more threads than this machine's cores, so that calls really interleave.</summary>
    private static readonly int s_threads = Math.Max(16, Environment.ProcessorCount * 4);

    /// <summary>Models that exercise every reading path: plain, external data, float16, quantized (folded), and the lecture CNN.</summary>
    private static readonly string[] s_models =
    [
        Interpretability.Tests.Activations.ActivationTests.LectureModel,
        TestPaths.Data("exported", "external", "tiny_cnn_external_offsets.onnx"),
        TestPaths.Data("exported", "tiny_cnn_float16_weights.onnx"),
        TestPaths.Data("exported", "qdq_per_axis.onnx"),
        TestPaths.Data("exported", "conv_variants.onnx"),
    ];

    /// <summary>Everything one thread computes from one model, as bytes, to be compared exactly.</summary>
    private sealed record Snapshot(string Summary, byte[][] Weights, byte[]? KernelPng, byte[][] Activations, byte[]? FeaturePng, byte[][] Convolutions, byte[]? ResponsePng)
    {
        public void AssertSame(Snapshot other, string what)
        {
            Assert.True(Summary == other.Summary, $"{what}: the summaries differ.");
            Assert.True(Same(Weights, other.Weights), $"{what}: the weights differ.");
            Assert.True(Same(Activations, other.Activations), $"{what}: the activations differ.");
            Assert.True(Same(Convolutions, other.Convolutions), $"{what}: the convolutions differ.");
            Assert.True(KernelPng.AsSpan().SequenceEqual(other.KernelPng), $"{what}: the kernel PNGs differ.");
            Assert.True(FeaturePng.AsSpan().SequenceEqual(other.FeaturePng), $"{what}: the feature-map PNGs differ.");
            Assert.True(ResponsePng.AsSpan().SequenceEqual(other.ResponsePng), $"{what}: the response PNGs differ.");
        }

        private static bool Same(byte[][] a, byte[][] b) => a.Length == b.Length && a.Zip(b).All(p => p.First.AsSpan().SequenceEqual(p.Second));
    }

    /// <summary>A deterministic input of the model's declared shape (dynamic dims as 1), values in [0, 1).</summary>
    internal static Tensor<float> InputFor(Model model)
    {
        var shape = model.Input.Shape!;
        nint[] lengths = [.. shape.Select(d => (nint)(d ?? 1))];
        var values = new float[lengths.Aggregate(1, (a, b) => a * (int)b)];
        var random = new Random(7);
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = random.NextSingle();
        }

        return Tensor.Create(values, lengths);
    }

    private static byte[] Bits(Tensor<float> tensor) => MemoryMarshal.AsBytes(tensor.ToArray().AsSpan()).ToArray();

    private static Snapshot Take(Model model)
    {
        var weights = model.Layers.SelectMany(l => l.GetWeights()).Select(Bits).ToArray();
        var conv = model.Layers.OfType<Conv2DLayer>().FirstOrDefault();
        var kernelPng = conv is null ? null : Render.KernelGrid(conv.GetWeights().Kernel).ToPng();
        var activations = model.GetActivations(InputFor(model));
        var values = activations.Values.Concat(activations.Outputs).Select(Bits).ToArray();
        var featurePng = conv is null ? null : Render.FeatureMaps(activations[conv]).ToPng();

        // Convolution: a learned kernel over an image (Convolve2D), the layer itself on what feeds it
        // (Conv2DLayer.Apply), and the fluent path's responses, rendered.
        var convolutions = new List<byte[]>();
        byte[]? responsePng = null;
        if (conv is not null)
        {
            var image = Fixtures.FashionImage(0);
            convolutions.Add(Bits(Interpretability.Convolution.Convolve2D(image, conv.GetWeights().Kernel2D(0, 0), conv.Options)));
            if (conv.Inputs[0] == model.Input.Name)
            {
                convolutions.Add(Bits(conv.Apply(InputFor(model))));
            }
            else if (model.Layers.FirstOrDefault(l => l.Outputs.Contains(conv.Inputs[0])) is { } feeding)
            {
                convolutions.Add(Bits(conv.Apply(activations[feeding])));
            }

            if (conv.InputChannels == 1)
            {
                responsePng = conv.Kernels().Convolve([image, Fixtures.FashionImage(1)]).Render().ToPng();
            }
        }

        return new Snapshot(model.Summary(), weights, kernelPng, values, featurePng, [.. convolutions], responsePng);
    }

    /// <summary>Starts every thread at once (a barrier), joins them, and rethrows the first failure.</summary>
    private static void RunAtOnce(int threads, Action<int> body)
    {
        using var barrier = new Barrier(threads);
        var failures = new Exception?[threads];
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            try
            {
                barrier.SignalAndWait();
                body(t);
            }
            catch (Exception ex)
            {
                failures[t] = ex;
            }
        }) { IsBackground = true }).ToArray();
        foreach (var worker in workers)
        {
            worker.Start();
        }

        foreach (var worker in workers)
        {
            Assert.True(worker.Join(TimeSpan.FromMinutes(3)), "A thread did not finish within 3 minutes.");
        }

        if (failures.FirstOrDefault(f => f is not null) is { } failure)
        {
            throw new InvalidOperationException($"{failures.Count(f => f is not null)} of {threads} threads failed; the first: {failure.Message}", failure);
        }
    }

    [Fact]
    public void ManyThreads_LoadReadConvolveRenderAndRunAsOneThreadDoes()
    {
        var reference = s_models.Select(path =>
        {
            using var model = Model.Load(path);
            return Take(model);
        }).ToArray();
        var shared = s_models.Select(path => Model.Load(path)).ToArray();
        var iterations = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            // Even threads use the shared models (their sessions, caches and folders at once); odd
            // threads load their own copy each time, from the file or from its bytes.
            RunAtOnce(s_threads, t =>
            {
                for (var round = 0; round < Rounds; round++)
                {
                    for (var m = 0; m < s_models.Length; m++)
                    {
                        var index = (m + t) % s_models.Length;
                        if (t % 2 == 0)
                        {
                            Take(shared[index]).AssertSame(reference[index], $"thread {t}, shared {Path.GetFileName(s_models[index])}");
                        }
                        else
                        {
                            var path = s_models[index];
                            using var own = round % 2 == 0 ? Model.Load(path) : Model.Load(File.ReadAllBytes(path), Path.GetDirectoryName(path));
                            Take(own).AssertSame(reference[index], $"thread {t}, own {Path.GetFileName(path)}");
                        }

                        Interlocked.Increment(ref iterations);
                    }
                }
            });
        }
        finally
        {
            foreach (var model in shared)
            {
                model.Dispose();
            }
        }

        output.WriteLine($"{s_threads} threads, {iterations} load/weights/convolution/render/activation snapshots of {s_models.Length} models in {clock.Elapsed.TotalSeconds:F1} s, all identical to one thread's");
        Assert.Equal(s_threads * Rounds * s_models.Length, iterations);
    }

    [Fact]
    public void ManyThreads_DecodeImagesAndIdxAsOneThreadDoes()
    {
        string[] images = [.. Directory.GetFiles(TestPaths.Data("images")).Where(f => f.EndsWith(".png", StringComparison.Ordinal) || f.EndsWith(".jpg", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
        ImageLoadOptions[] options = [ImageLoadOptions.Default, new() { Color = ImageColor.Grayscale, Width = 28, Height = 28 }, new() { Width = 20, Height = 40, Resize = ResizeMode.Fit, Mean = [0.5f], Std = [0.2f] }];
        var reference = images.SelectMany(i => options.Select(o => Bits(Images.Load(i, o)))).ToArray();
        var idx = Bits(Idx.ReadImages(Fixtures.ImagesPath));
        var labels = Idx.ReadLabels(Fixtures.LabelsPath);
        var heatmap = Render.Heatmap(Fixtures.FashionImage(0), RenderOptions.Default with { Colorbar = true, Title = "same bytes" }).ToPng();

        RunAtOnce(s_threads, t =>
        {
            for (var round = 0; round < 4; round++)
            {
                var k = 0;
                foreach (var image in images)
                {
                    foreach (var o in options)
                    {
                        Assert.True(reference[k++].AsSpan().SequenceEqual(Bits(Images.Load(image, o))), $"thread {t}: {Path.GetFileName(image)} decoded differently");
                    }
                }

                Assert.True(idx.AsSpan().SequenceEqual(Bits(Idx.ReadImages(Fixtures.ImagesPath))), $"thread {t}: the IDX images differ");
                Assert.Equal(labels, Idx.ReadLabels(Fixtures.LabelsPath));
                Assert.True(heatmap.AsSpan().SequenceEqual(Render.Heatmap(Fixtures.FashionImage(0), RenderOptions.Default with { Colorbar = true, Title = "same bytes" }).ToPng()), $"thread {t}: the heatmap PNG differs");
            }
        });

        output.WriteLine($"{s_threads} threads x 4 rounds of {images.Length} images x {options.Length} options, the IDX files and a heatmap: identical");
    }

    [Fact]
    public async Task Dispose_WhileThreadsRunReadAndRenderLetsRunsFinishAndRefusesTheRest()
    {
        var path = Interpretability.Tests.Activations.ActivationTests.LectureModel;
        Snapshot reference;
        using (var model = Model.Load(path))
        {
            reference = Take(model);
        }

        var completed = 0;
        var refused = 0;
        for (var attempt = 0; attempt < 12; attempt++)
        {
            var model = Model.Load(path);
            var input = InputFor(model);
            using var started = new CountdownEvent(4);
            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 8).Select(t => Task.Factory.StartNew(() =>
            {
                var signalled = false;
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        if (t % 2 == 0)
                        {
                            // Activations: exactly right, or refused because the model is disposed.
                            var activations = model.GetActivations(input);
                            Assert.True(reference.Activations.Zip(activations.Values.Concat(activations.Outputs).Select(Bits)).All(p => p.First.AsSpan().SequenceEqual(p.Second)));
                            Interlocked.Increment(ref completed);
                        }
                        else
                        {
                            // Weights, summary and rendering need no native state: they work before and after Dispose.
                            Assert.True(reference.Weights.Zip(model.Layers.SelectMany(l => l.GetWeights()).Select(Bits)).All(p => p.First.AsSpan().SequenceEqual(p.Second)));
                            Assert.Equal(reference.Summary, model.Summary());
                            Assert.True(reference.KernelPng.AsSpan().SequenceEqual(Render.KernelGrid(model.Layers[0].GetWeights().Kernel).ToPng()));
                        }
                    }
                    catch (ObjectDisposedException) when (t % 2 == 0)
                    {
                        Interlocked.Increment(ref refused);
                        Thread.Sleep(1);
                    }

                    if (!signalled && t % 2 == 0)
                    {
                        signalled = true;
                        started.Signal();
                    }
                }
            }, TaskCreationOptions.LongRunning)).ToArray();

            // Dispose at a different moment each attempt: while the first session is still being
            // created (every fourth attempt), as soon as every runner has finished one run, or later.
            if (attempt % 4 != 1)
            {
                Assert.True(started.Wait(TimeSpan.FromMinutes(1)));
                await Task.Delay(attempt * 5);
            }

            if (attempt % 3 == 0)
            {
                // Several threads disposing at once: idempotent.
                Parallel.For(0, 4, _ => model.Dispose());
            }
            else
            {
                model.Dispose();
            }

            await Task.Delay(20);
            stop.Cancel();
            await Task.WhenAll(workers).WaitAsync(TimeSpan.FromMinutes(1));
            Assert.Throws<ObjectDisposedException>(() => model.Run(input));
            Assert.Equal(reference.Weights[0], Bits(model.Layers[0].GetWeights().Kernel));
        }

        output.WriteLine($"12 disposals under 8 threads: {completed} activation runs finished correctly, {refused} were refused with ObjectDisposedException");
        Assert.True(completed > 0 && refused > 0);
    }
}
