using Interpretability.Internals;

namespace Interpretability;

/// <summary>
/// Limits and switches for <see cref="Model.Load(string, ModelLoadOptions?)"/>. Every limit is
/// checked before memory is allocated for the thing it bounds, so a hostile file fails fast with
/// <see cref="ModelLimitExceededException"/> instead of exhausting the process.
/// </summary>
public sealed record ModelLoadOptions
{
    private readonly long _maxModelBytes = DefaultMaxModelBytes;
    private readonly long _maxTensorBytes = DefaultMaxTensorBytes;
    private readonly int _maxNestingDepth = DefaultMaxNestingDepth;
    private readonly int _maxNodes = DefaultMaxNodes;

    /// <summary>The default for <see cref="MaxModelBytes"/>: 2 GiB - 1, protobuf's own ceiling for one message.</summary>
    public const long DefaultMaxModelBytes = int.MaxValue;

    /// <summary>The default for <see cref="MaxTensorBytes"/>: 4 GiB (about a billion float weights).</summary>
    public const long DefaultMaxTensorBytes = 4L << 30;

    /// <summary>The default for <see cref="MaxNestingDepth"/>.</summary>
    public const int DefaultMaxNestingDepth = 64;

    /// <summary>The default for <see cref="MaxNodes"/>.</summary>
    public const int DefaultMaxNodes = 1_000_000;

    /// <summary>The defaults.</summary>
    public static ModelLoadOptions Default { get; } = new();

    /// <summary>Largest model file (the protobuf part, not external data) that will be read, in bytes. At most 2 GiB - 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not between 1 and 2 GiB - 1.</exception>
    public long MaxModelBytes
    {
        get => _maxModelBytes;
        init => _maxModelBytes = value is > 0 and <= int.MaxValue ? value : ThrowHelper.ThrowArgumentOutOfRange<long>(nameof(MaxModelBytes), value, "Use a value from 1 to 2147483647 (protobuf cannot parse larger messages).");
    }

    /// <summary>
    /// Largest single tensor that will be decoded, counted both as the bytes its data type stores and
    /// as the bytes of its float copy. Also bounds external data reads, constants computed from
    /// weights, and the activations ONNX Runtime is asked to compute: a model whose inferred
    /// activation shapes exceed it even at batch 1 is refused before ONNX Runtime sees it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Zero or negative.</exception>
    public long MaxTensorBytes
    {
        get => _maxTensorBytes;
        init => _maxTensorBytes = value > 0 ? value : ThrowHelper.ThrowArgumentOutOfRange<long>(nameof(MaxTensorBytes), value, "Use a positive number of bytes.");
    }

    /// <summary>Deepest nesting of protobuf messages (graphs inside attributes inside nodes, and so on) that will be parsed.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 8 or more than 1000.</exception>
    public int MaxNestingDepth
    {
        get => _maxNestingDepth;
        init => _maxNestingDepth = value is >= 8 and <= 1000 ? value : ThrowHelper.ThrowArgumentOutOfRange<int>(nameof(MaxNestingDepth), value, "Use a value from 8 to 1000.");
    }

    /// <summary>How ONNX Runtime runs the model when activations are read (threads, optimization, execution providers).</summary>
    public RuntimeOptions Runtime { get; init; } = RuntimeOptions.Default;

    /// <summary>
    /// Most nodes the model may have, its subgraphs included. Every other list in the file
    /// (tensors, attributes, value declarations, shape dimensions, unknown fields, ...) is held to the
    /// same count. All are counted from the raw bytes before the protobuf parser runs, so a small
    /// file of millions of empty entries, each a hundred bytes or more once parsed, is refused
    /// without allocating them.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Zero or negative.</exception>
    public int MaxNodes
    {
        get => _maxNodes;
        init => _maxNodes = value > 0 ? value : ThrowHelper.ThrowArgumentOutOfRange<int>(nameof(MaxNodes), value, "Use a positive number of nodes.");
    }
}
