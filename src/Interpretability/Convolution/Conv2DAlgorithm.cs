namespace Interpretability;

/// <summary>How a <see cref="Conv2DPlan"/> computes its layer; chosen once per plan from the weights' shape and the options.</summary>
internal enum Conv2DAlgorithm
{
    /// <summary>
    /// One input channel per group and few outputs per group (depthwise, with or without a channel
    /// multiplier): every output channel is one direct single-kernel convolution
    /// (<see cref="Convolution.ConvolvePlane"/>), FMA-bound with one folded load per FMA.
    /// </summary>
    Depthwise,

    /// <summary>
    /// 1x1 kernel, stride 1, no padding: a matrix multiply <c>out[O, HW] = W[O, C] x in[C, HW]</c>
    /// reading the input in place with the packed-weights micro-kernel.
    /// </summary>
    Pointwise,

    /// <summary>
    /// Everything else: the input is copied once per call into zero-padded, stride-split planes, and
    /// an "implicit GEMM" micro-kernel computes 8 output channels x 3 vectors of output positions per
    /// step, every kernel tap being a constant offset into the packed planes (no im2col matrix).
    /// </summary>
    Packed,
}
