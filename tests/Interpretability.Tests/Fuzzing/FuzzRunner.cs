using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Interpretability.Tests.Fuzzing;

/// <summary>One fuzz case: its seed, what was done to the input, the input itself, and how it ended.</summary>
internal sealed class FuzzCase(int index, int seed)
{
    public int Index { get; } = index;

    public int Seed { get; } = seed;

    public string Source { get; set; } = string.Empty;

    public List<string> Log { get; } = [];

    public byte[] Input { get; set; } = [];

    /// <summary>The last stage reached and its documented outcome ("loaded", "load: InvalidModelException", "ran", ...).</summary>
    public List<string> Outcomes { get; } = [];

    public override string ToString() =>
        $"case {Index} (case seed {Seed}) from {Source}, {Input.Length} bytes: {string.Join("; ", Log)}";
}

/// <summary>A bug the fuzzer found: an undocumented exception or a hang, with the case that caused it.</summary>
internal sealed record FuzzFailure(FuzzCase Case, string Kind, Exception? Exception, string? SavedInput);

/// <summary>
/// Runs fuzz cases one after another, each on a pool thread with a timeout, and collects
/// undocumented exceptions and hangs. Before each case it writes the case's seed to
/// <c>TestOutput/fuzz/&lt;target&gt;.current</c>, so that a crash of the whole process (which no
/// managed code can catch) still says which case did it.
/// </summary>
internal static class FuzzRunner
{
    private const int MaxFailures = 20;

    public sealed record Result(string Target, int Cases, TimeSpan Elapsed, IReadOnlyList<FuzzFailure> Failures, IReadOnlyDictionary<string, int> Outcomes)
    {
        public double CasesPerSecond => Cases / Math.Max(Elapsed.TotalSeconds, 1e-9);

        public string Describe()
        {
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"{Target}: {Cases:N0} cases in {Elapsed.TotalSeconds:F1} s ({CasesPerSecond:F0} cases/s), seed {FuzzSettings.Seed}, {Failures.Count} failures").AppendLine();
            foreach (var (outcome, count) in Outcomes.OrderByDescending(o => o.Value).ThenBy(o => o.Key, StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"  {count,8:N0}  {outcome}").AppendLine();
            }

            foreach (var failure in Failures)
            {
                text.Append(CultureInfo.InvariantCulture, $"FAILURE ({failure.Kind}) {failure.Case}").AppendLine();
                if (failure.SavedInput is not null)
                {
                    text.Append("  input saved to ").Append(failure.SavedInput).AppendLine();
                }

                if (failure.Exception is not null)
                {
                    // The message and the first frames are enough to find the place; recursion repeats.
                    var lines = failure.Exception.ToString().Split('\n');
                    foreach (var line in lines.Take(16))
                    {
                        text.Append("  ").Append(line.TrimEnd()).AppendLine();
                    }
                }
            }

            return text.ToString();
        }
    }

    /// <summary>Runs <paramref name="cases"/> cases of <paramref name="body"/>, which throws only for undocumented behaviour.</summary>
    public static Result Run(string target, int cases, Action<FuzzCase, Random> body)
    {
        var folder = TestPaths.Output("fuzz");
        var progress = Path.Combine(folder, target + ".current");
        var failures = new List<FuzzFailure>();
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        var run = 0;
        for (var i = 0; i < cases && failures.Count < MaxFailures; i++)
        {
            var fuzzCase = new FuzzCase(i, FuzzSettings.CaseSeed(FuzzSettings.Seed, target, i));
            File.WriteAllText(progress, $"INTERPRETABILITY_FUZZ_SEED={FuzzSettings.Seed} target {target} case {i} (case seed {fuzzCase.Seed}); started {DateTime.UtcNow:O}\n");
            var task = Task.Factory.StartNew(() => body(fuzzCase, new Random(fuzzCase.Seed)), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            run++;
            bool finished;
            try
            {
                finished = task.Wait(FuzzSettings.CaseTimeout);
            }
            catch (AggregateException ex)
            {
                failures.Add(new FuzzFailure(fuzzCase, "undocumented exception", ex.InnerException, Save(folder, target, fuzzCase)));
                continue;
            }

            if (!finished)
            {
                // A thread cannot be aborted: report the hang and stop, leaving the stuck case behind.
                failures.Add(new FuzzFailure(fuzzCase, $"hang (no result after {FuzzSettings.CaseTimeout.TotalSeconds:F0} s)", null, Save(folder, target, fuzzCase)));
                break;
            }

            var outcome = fuzzCase.Outcomes.Count == 0 ? "(no outcome)" : string.Join(" / ", fuzzCase.Outcomes.Distinct());
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        clock.Stop();
        File.Delete(progress);
        var result = new Result(target, run, clock.Elapsed, failures, outcomes);
        File.WriteAllText(Path.Combine(folder, target + ".summary.txt"), result.Describe());
        return result;
    }

    private static string Save(string folder, string target, FuzzCase fuzzCase)
    {
        var path = Path.Combine(folder, $"{target}-case{fuzzCase.Index}-seed{fuzzCase.Seed}.bin");
        File.WriteAllBytes(path, fuzzCase.Input);
        return path;
    }
}
