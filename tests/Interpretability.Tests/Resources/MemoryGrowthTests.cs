using System.Diagnostics;
using Xunit.Abstractions;

namespace Interpretability.Tests.Resources;

/// <summary>Thousands of runs, renders and loads leave the process's memory where it was after warm-up.</summary>
/// <remarks>
/// Runs alone (no other test allocates meanwhile) and measures three things before and after: the
/// managed heap after a full collection, the working set, and the private bytes. Native objects
/// (ONNX Runtime's sessions, values and run options; SkiaSharp's bitmaps, canvases, fonts and
/// codecs) show in the last two only, so a leak of any of them fails the test.
/// </remarks>
[Collection(nameof(MemoryGrowthTests))]
[CollectionDefinition(nameof(MemoryGrowthTests), DisableParallelization = true)]
public sealed class MemoryGrowthTests(ITestOutputHelper output)
{
    private const int Runs = 3000;
    private const long Bound = 20L << 20;

    private readonly record struct Memory(long Managed, long WorkingSet, long Private)
    {
        public static Memory Measure()
        {
            for (var i = 0; i < 3; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }

            var managed = GC.GetTotalMemory(forceFullCollection: true);
            using var process = Process.GetCurrentProcess();
            return new Memory(managed, process.WorkingSet64, process.PrivateMemorySize64);
        }

        public override string ToString() => $"managed {Managed / 1048576.0:F1} MB, working set {WorkingSet / 1048576.0:F1} MB, private {Private / 1048576.0:F1} MB";
    }

    [Fact]
    public void ThousandsOfActivationRunsRendersAndLoads_DoNotGrowTheProcess()
    {
        using var model = Model.Load(Interpretability.Tests.Activations.ActivationTests.LectureModel);
        var input = Concurrency.ConcurrencyTests.InputFor(model);
        var random = new Random(3);
        var conv = model.Layers.OfType<Conv2DLayer>().First();
        void Once(int i)
        {
            // Every way of running: plain predictions, all layers, one layer, a random subset of layers.
            switch (i % 4)
            {
                case 0:
                    _ = model.Run(input);
                    break;
                case 1:
                    _ = Render.FeatureMaps(model.GetActivations(input)[conv]).ToPng();
                    break;
                case 2:
                    _ = model.GetActivations(input, model.Layers[i / 4 % model.Layers.Count]);
                    break;
                default:
                    _ = model.GetActivations(input, model.Layers.Where(_ => random.Next(2) == 0).DefaultIfEmpty(conv));
                    break;
            }

            if (i % 50 == 0)
            {
                // Loading, reading weights and decoding images use native memory too.
                using var again = Model.Load(Interpretability.Tests.Activations.ActivationTests.LectureModel);
                _ = Render.KernelGrid(again.Layers[0].GetWeights().Kernel, RenderOptions.Default with { Title = "kernels", Colorbar = true }).ToPng();
                _ = Images.Load(TestPaths.Data("images", "pullover-96x64.jpg"), ImageLoadOptions.Default with { Width = 28, Height = 28 });
            }
        }

        for (var i = 0; i < 1000; i++)
        {
            Once(i);
        }

        var before = Memory.Measure();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Runs; i++)
        {
            Once(i);
        }

        var elapsed = clock.Elapsed;
        var after = Memory.Measure();
        output.WriteLine($"after 1000 warm-up runs: {before}");
        output.WriteLine($"after {Runs} more runs ({elapsed.TotalSeconds:F1} s): {after}");
        output.WriteLine($"growth: managed {(after.Managed - before.Managed) / 1048576.0:F2} MB, working set {(after.WorkingSet - before.WorkingSet) / 1048576.0:F2} MB, private {(after.Private - before.Private) / 1048576.0:F2} MB (bound {Bound / 1048576} MB)");
        Assert.True(after.Managed - before.Managed < Bound, "The managed heap grew.");
        Assert.True(after.WorkingSet - before.WorkingSet < Bound, "The working set grew.");
        Assert.True(after.Private - before.Private < Bound, "The private bytes grew.");
    }
}
