using System.Numerics.Tensors;
using Interpretability.Onnx;
using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace Interpretability;

/// <summary>
/// Output arrays kept from run to run for an <see cref="ActivationReader"/>: allocated once per input
/// shape on the pinned object heap, wrapped once in OrtValues and tensors, and written by ONNX
/// Runtime in place on every run. Not thread-safe (a reader is used by one thread at a time).
/// </summary>
internal sealed class OutputBuffers : IDisposable
{
    private readonly Dictionary<string, (OrtValue[] Values, Tensor<float>[] Tensors)> _sets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (Tensor<float> Source, Tensor<float> Alias)> _aliases = new(StringComparer.Ordinal);

    /// <summary>What the reader's runs request and fetch (the same every run), planned on the first.</summary>
    public (string[] Requested, string[] Fetch, bool Direct)? Plan { get; set; }

    public Tensor<float>[] Run(ActivationSession session, List<string> names, List<OrtValue> inputs, string[] fetch, string inputKey, long[][] shapes)
    {
        if (!_sets.TryGetValue(inputKey, out var set))
        {
            set = Allocate(shapes);
            _sets[inputKey] = set;
        }

        session.Run(names, inputs, fetch, set.Values);
        return set.Tensors;
    }

    /// <summary>
    /// The alias's tensor over <paramref name="source"/>: made once and kept while the source is the
    /// same buffer (as it is run after run for one input shape), since making it registers the array.
    /// </summary>
    public Tensor<float> Alias(string name, Tensor<float> source, ActivationAliases aliases, ModelSource model)
    {
        if (_aliases.TryGetValue(name, out var kept) && ReferenceEquals(kept.Source, source))
        {
            return kept.Alias;
        }

        var alias = aliases.Apply(name, source, model);
        _aliases[name] = (source, alias);
        return alias;
    }

    public void Forget(string inputKey)
    {
        if (_sets.Remove(inputKey, out var set))
        {
            _aliases.Clear(); // views over the released buffers; made again on demand
            Release(set.Values);
        }
    }

    public void Dispose()
    {
        foreach (var set in _sets.Values)
        {
            Release(set.Values);
        }

        _sets.Clear();
        _aliases.Clear();
    }

    internal static nint[] Lengths(long[] shape) => shape.Length == 0 ? [1] : [.. shape.Select(d => checked((nint)d))];

    private static (OrtValue[] Values, Tensor<float>[] Tensors) Allocate(long[][] shapes)
    {
        var values = new OrtValue[shapes.Length];
        var tensors = new Tensor<float>[shapes.Length];
        try
        {
            for (var i = 0; i < shapes.Length; i++)
            {
                // Pinned for the buffers' whole life, so the OrtValues can point at them between runs.
                var array = GC.AllocateUninitializedArray<float>(checked((int)shapes[i].Aggregate(1L, (a, b) => a * b)), pinned: true);
                values[i] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, array.AsMemory(), shapes[i]);
                tensors[i] = TensorArrays.Wrap(array, Lengths(shapes[i]));
            }

            return (values, tensors);
        }
        catch
        {
            Release(values);
            throw;
        }
    }

    private static void Release(OrtValue?[] values)
    {
        foreach (var value in values)
        {
            value?.Dispose();
        }
    }
}
