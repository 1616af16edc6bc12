using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

namespace Interpretability.Benchmarks;

/// <summary>
/// <c>-- --ort-profile [lecture|squeezenet] [batch]</c>: where ONNX Runtime spends a forward pass
/// when every layer's output is a graph output, against the plain model, by operator type, from
/// ONNX Runtime's own profiler (kernel times, warm-up runs left out). Explains the
/// <see cref="ActivationBench"/> ratios: at ORT_ENABLE_ALL the outputs of the blocked-layout (NCHWc)
/// convolutions must be reordered back to NCHW and Conv can no longer absorb its Relu.
/// </summary>
internal static class OrtProfile
{
    private const int WarmupRuns = 10;
    private const int MeasuredRuns = 40;

    public static int Run(string[] args)
    {
        var which = args.Length > 1 ? args[1] : "squeezenet";
        var path = which == "lecture" ? ModelFiles.Lecture : ModelFiles.SqueezeNet;
        var batch = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
        using var model = Model.Load(path);
        var shape = model.Input.Shape!.Select((d, i) => i == 0 ? batch : (long)d!.Value).ToArray();
        var values = ImageData.Random(7, (int)shape.Aggregate(1L, (a, b) => a * b));
        var variants = new (string Name, byte[] Bytes)[]
        {
            ("plain", RuntimeModel.Build(model, [])),
            ("every layer an output", RuntimeModel.Build(model, model.LayerValues())),
        };

        Console.WriteLine($"{Path.GetFileName(path)}, batch {batch}: ONNX Runtime kernel time per run by operator, mean of {MeasuredRuns} runs after {WarmupRuns} warm-up runs, one thread.");
        foreach (var level in new[] { GraphOptimizationLevel.ORT_ENABLE_ALL, GraphOptimizationLevel.ORT_ENABLE_EXTENDED })
        {
            var profiles = variants.Select(v => Profile(v.Bytes, level, shape, values)).ToArray();
            Console.WriteLine();
            Console.WriteLine($"{level}");
            Console.WriteLine();
            Console.WriteLine($"| Operator | {string.Join(" | ", variants.Select(v => $"{v.Name}: nodes | µs/run"))} |");
            Console.WriteLine($"|---|{string.Concat(variants.Select(_ => "--:|--:|"))}");
            var ops = profiles.SelectMany(p => p.ByOp.Keys).Distinct().OrderByDescending(op => profiles.Max(p => p.ByOp.GetValueOrDefault(op).Micros));
            foreach (var op in ops)
            {
                Console.WriteLine($"| {op} | {string.Join(" | ", profiles.Select(p => p.ByOp.TryGetValue(op, out var t) ? $"{t.Nodes} | {t.Micros:F0}" : "– | –"))} |");
            }

            Console.WriteLine($"| **all kernels** | {string.Join(" | ", profiles.Select(p => $"{p.ByOp.Values.Sum(t => t.Nodes)} | **{p.ByOp.Values.Sum(t => t.Micros):F0}**"))} |");
            Console.WriteLine($"| **whole run** (model_run) | {string.Join(" | ", profiles.Select(p => $"| **{p.RunMicros:F0}**"))} |");
        }

        return 0;
    }

    private static (Dictionary<string, (int Nodes, double Micros)> ByOp, double RunMicros) Profile(byte[] bytes, GraphOptimizationLevel level, long[] shape, float[] values)
    {
        var folder = Directory.CreateTempSubdirectory("ort-profile-");
        try
        {
            using var options = new SessionOptions
            {
                IntraOpNumThreads = 1,
                InterOpNumThreads = 1,
                GraphOptimizationLevel = level,
                LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            };

            // The prefix is read when profiling is switched on: set it first, or the file lands in the working folder.
            options.ProfileOutputPathPrefix = Path.Combine(folder.FullName, "ort");
            options.EnableProfiling = true;
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            using var session = new InferenceSession(bytes, options);
            using var input = OrtValue.CreateTensorValueFromMemory(values, shape);
            using var runOptions = new RunOptions();
            var inputNames = session.InputMetadata.Keys.ToArray();
            var outputNames = session.OutputMetadata.Keys.ToArray();
            for (var i = 0; i < WarmupRuns + MeasuredRuns; i++)
            {
                using var results = session.Run(runOptions, inputNames, [input], outputNames);
            }

            var profile = Path.GetFullPath(session.EndProfiling());
            if (!profile.StartsWith(folder.FullName + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                File.Delete(profile);
                throw new InvalidOperationException($"ONNX Runtime wrote its profile to {profile}, outside {folder.FullName}.");
            }

            using var json = JsonDocument.Parse(File.ReadAllText(profile));
            var events = json.RootElement.EnumerateArray().ToArray();
            var runs = events.Where(e => e.GetProperty("name").GetString() == "model_run").OrderBy(e => e.GetProperty("ts").GetInt64()).ToArray();
            if (runs.Length != WarmupRuns + MeasuredRuns)
            {
                throw new InvalidOperationException($"The profile holds {runs.Length} runs; {WarmupRuns + MeasuredRuns} were made.");
            }

            var measuredFrom = runs[WarmupRuns].GetProperty("ts").GetInt64();
            var byOp = new Dictionary<string, (int Nodes, double Micros)>(StringComparer.Ordinal);
            foreach (var e in events)
            {
                if (e.GetProperty("cat").GetString() != "Node" || !e.GetProperty("name").GetString()!.EndsWith("_kernel_time", StringComparison.Ordinal)
                    || e.GetProperty("ts").GetInt64() < measuredFrom)
                {
                    continue;
                }

                var op = e.GetProperty("args").GetProperty("op_name").GetString()!;
                var (nodes, micros) = byOp.GetValueOrDefault(op);
                byOp[op] = (nodes + 1, micros + e.GetProperty("dur").GetInt64());
            }

            var perRun = byOp.ToDictionary(p => p.Key, p => (p.Value.Nodes / MeasuredRuns, p.Value.Micros / MeasuredRuns), StringComparer.Ordinal);
            var runMicros = runs.Skip(WarmupRuns).Average(e => e.GetProperty("dur").GetInt64());
            return (perRun, runMicros);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
