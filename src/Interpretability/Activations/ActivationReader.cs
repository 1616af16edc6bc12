using System.Numerics.Tensors;
using Interpretability.Internals;

namespace Interpretability;

/// <summary>
/// Reads the activations of a fixed set of layers again and again (one image after another, a
/// whole dataset), writing them each time into the same buffers: no allocation and no copy per
/// run once warm. Made by <see cref="Model.CreateActivationReader(IEnumerable{Layer})"/>.
/// </summary>
/// <remarks>
/// The tensors a <see cref="Read"/> returns are the reader's own buffers: the next
/// <see cref="Read"/> overwrites them (copy with <c>ToDenseTensor()</c> what you keep), and they
/// must not be used after <see cref="Dispose"/>. For inputs of one shape, every <see cref="Read"/>
/// returns the same <see cref="Activations"/> object over those buffers. A reader is for one
/// thread at a time; make one per thread, or use
/// <see cref="Model.GetActivations(Tensor{float}, IEnumerable{Layer})"/>, which returns new tensors
/// and is thread-safe.
/// </remarks>
public sealed class ActivationReader : IDisposable
{
    private readonly Model _model;
    private readonly Layer[] _layers;
    private readonly string[] _values;
    private readonly OutputBuffers _buffers = new();
    private (Tensor<float>[] Results, Activations Activations)? _last;
    private bool _disposed;

    internal ActivationReader(Model model, IEnumerable<Layer>? layers)
    {
        _model = model;
        (_layers, _values) = model.PlanActivations(layers);
    }

    /// <summary>The layers this reader reads, in model order.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>Runs the model on <paramref name="input"/> and returns the layers' activations in the reader's buffers.</summary>
    /// <param name="input">The input, as for <see cref="Model.Run(Tensor{float})"/>.</param>
    /// <returns>The activations, valid until the next call or <see cref="Dispose"/>.</returns>
    /// <exception cref="ArgumentException">The input's shape disagrees with <see cref="Model.Input"/>.</exception>
    /// <exception cref="ModelExecutionException">ONNX Runtime failed to run the model.</exception>
    /// <exception cref="ObjectDisposedException">The reader or its model was disposed.</exception>
    public Activations Read(Tensor<float> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (_disposed)
        {
            ThrowHelper.ThrowObjectDisposed(this);
        }

        var results = _model.RunCore(new Dictionary<string, Tensor<float>>(1) { [_model.Input.Name] = input }, _values, _buffers);

        // Run after run for one input shape the results are the same buffers: the view over them is kept too.
        if (_last is { } last && results.AsSpan().SequenceEqual(last.Results, ReferenceEqualityComparer.Instance))
        {
            return last.Activations;
        }

        var activations = _model.MakeActivations(_layers, _values, results);
        _last = (results, activations);
        return activations;
    }

    /// <summary>Releases the buffers; the tensors returned by <see cref="Read"/> must not be used afterwards.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _last = null;
            _buffers.Dispose();
        }
    }
}

