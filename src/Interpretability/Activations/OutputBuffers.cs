using System.Numerics.Tensors;
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

    public void Forget(string inputKey)
    {
        if (_sets.Remove(inputKey, out var set))
        {
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
