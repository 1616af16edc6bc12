namespace Interpretability;

/// <summary>ONNX Runtime's graph optimization levels.</summary>
public enum GraphOptimization
{
    /// <summary>Run the graph as written.</summary>
    Disabled = 0,

    /// <summary>Semantics-preserving rewrites such as constant folding and redundant node removal.</summary>
    Basic = 1,

    /// <summary>Basic, plus operator fusions (Conv with BatchNormalization, with activation functions, ...).</summary>
    Extended = 2,

    /// <summary>Extended, plus layout optimizations (NCHWc on CPUs with wide vectors).</summary>
    All = 99,
}
