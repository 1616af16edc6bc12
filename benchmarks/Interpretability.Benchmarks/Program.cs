using BenchmarkDotNet.Running;

namespace Interpretability.Benchmarks;

/// <summary>
/// Runs the benchmarks: <c>dotnet run -c Release --project benchmarks/Interpretability.Benchmarks -- --filter *</c>
/// (add <c>--job short</c> for a quick run). <c>-- --ci-smoke</c> runs one tiny case end to end in a
/// few seconds, without BenchmarkDotNet, so CI notices when the project rots. <c>-- --ort-profile</c>
/// prints ONNX Runtime's own per-operator profile of a plain pass and an every-layer pass.
/// </summary>
public static class Program
{
    /// <summary>Entry point; arguments go to BenchmarkDotNet's switcher.</summary>
    public static int Main(string[] args)
    {
        if (args is ["--ci-smoke"])
        {
            return CiSmoke.Run();
        }

        if (args is ["--ort-profile", ..])
        {
            return OrtProfile.Run(args);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
