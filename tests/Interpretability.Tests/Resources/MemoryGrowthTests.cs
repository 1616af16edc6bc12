using System.Diagnostics;
using Xunit.Abstractions;

namespace Interpretability.Tests.Resources;

/// <summary>Thousands of runs, renders and loads leave the process's memory where it was after warm-up.</summary>
/// <remarks>
/// Runs alone (no other test allocates meanwhile) and measures three things before and after: the
/// managed heap after a full collection, the working set, and the private memory in use. Native
/// objects (ONNX Runtime's sessions, values and run options; SkiaSharp's bitmaps, canvases, fonts
/// and codecs) show in the last two only, so a leak of any of them fails the test.
/// </remarks>
[Collection(nameof(MemoryGrowthTests))]
[CollectionDefinition(nameof(MemoryGrowthTests), DisableParallelization = true)]
public sealed class MemoryGrowthTests(ITestOutputHelper output)
{
    private const int WarmUp = 3000;
    private const int Runs = 3000;
    private const long Bound = 20L << 20;

    /// <summary>The managed heap after a full collection, the working set, and the private memory in use.</summary>
    /// <remarks>
    /// On Linux, <see cref="Process.PrivateMemorySize64"/> is VmData: address space reserved, not
    /// used. glibc reserves 64 MB per malloc arena and each new thread reserves its stack, so VmData
    /// steps up by tens of megabytes now and then while nothing leaks (measured here: +47 MB once, in
    /// the first 10,000 of 40,000 runs, then flat). There the private memory in use is RssAnon, the
    /// resident anonymous pages, which is what a leak of native buffers grows; VmData is reported.
    /// </remarks>
    private readonly record struct Memory(long Managed, long WorkingSet, long Private, long Reserved)
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
            var status = File.Exists("/proc/self/status") ? File.ReadAllLines("/proc/self/status") : [];
            long Field(string name) => status.FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal)) is { } line
                ? long.Parse(line.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024
                : -1;
            var anonymous = Field("RssAnon");
            return new Memory(managed, process.WorkingSet64, anonymous >= 0 ? anonymous : process.PrivateMemorySize64, process.PrivateMemorySize64);
        }

        public override string ToString() =>
            $"managed {Managed / 1048576.0:F1} MB, working set {WorkingSet / 1048576.0:F1} MB, private in use {Private / 1048576.0:F1} MB (reserved {Reserved / 1048576.0:F1} MB)";
    }

    [Fact]
    public void ThousandsOfActivationRunsRendersAndLoads_DoNotGrowTheProcess()
    {
        using var model = Model.Load(Interpretability.Tests.Activations.ActivationTests.LectureModel);
        var input = Concurrency.ConcurrencyTests.InputFor(model);
        var random = new Random(3);
        var conv = model.Layers.OfType<Conv2DLayer>().First();
        using var reader = model.CreateActivationReader(conv, model.Layers[^1]);
        void Once(int i)
        {
            // Every way of running: plain predictions, all layers, one layer, a random subset of
            // layers, a reader that keeps its buffers, and the fluent path.
            switch (i % 6)
            {
                case 4:
                    _ = reader.Read(input)[conv].FlattenedLength;
                    break;
                case 5:
                    _ = conv.Kernel(i % conv.Filters).Convolve(Fixtures.FashionImage(i % 16)).Render().Width;
                    break;
                case 0:
                    _ = model.Run(input);
                    break;
                case 1:
                    _ = Render.FeatureMaps(model.GetActivations(input)[conv]).ToPng();
                    break;
                case 2:
                    _ = model.GetActivations(input, model.Layers[i / 6 % model.Layers.Count]);
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

        for (var i = 0; i < WarmUp; i++)
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
        output.WriteLine($"after {WarmUp} warm-up runs: {before}");
        output.WriteLine($"after {Runs} more runs ({elapsed.TotalSeconds:F1} s): {after}");
        output.WriteLine($"growth: managed {(after.Managed - before.Managed) / 1048576.0:F2} MB, working set {(after.WorkingSet - before.WorkingSet) / 1048576.0:F2} MB, private in use {(after.Private - before.Private) / 1048576.0:F2} MB (bound {Bound / 1048576} MB each); reserved {(after.Reserved - before.Reserved) / 1048576.0:F2} MB");
        Assert.True(after.Managed - before.Managed < Bound, "The managed heap grew.");
        Assert.True(after.WorkingSet - before.WorkingSet < Bound, "The working set grew.");
        Assert.True(after.Private - before.Private < Bound, "The private memory in use grew.");
    }
}
