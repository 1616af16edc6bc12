using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Reports;

namespace Interpretability.Benchmarks;

/// <summary>
/// The configuration every benchmark class uses: allocation column on, GitHub-markdown reports
/// (committed under results/&lt;cpu&gt;/), ratios against the class's baseline. The job comes from
/// the command line (BenchmarkSwitcher's default config already exports GitHub markdown): the default job for the committed tables, <c>--job short</c> for quick runs.
/// </summary>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Median);
        SummaryStyle = SummaryStyle.Default.WithRatioStyle(RatioStyle.Value);
        Orderer = new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared);
    }
}
