using System.Numerics.Tensors;

namespace Interpretability.Benchmarks;

/// <summary>A Conv layer to benchmark: input <c>[1, C, H, W]</c>, weights <c>[O, C/group, k, k]</c>.</summary>
public sealed record LayerShape(string Name, int Channels, int Outputs, int Size, int Kernel, int Stride, int Pad, int Group)
{
    /// <summary>The layers the issue lists.</summary>
    public static IReadOnlyList<LayerShape> All { get; } =
    [
        new("1->16 224 5x5 p2", 1, 16, 224, 5, 1, 2, 1),
        new("3->64 224 7x7 s2 p3", 3, 64, 224, 7, 2, 3, 1),
        new("64->64 56 3x3 p1", 64, 64, 56, 3, 1, 1, 1),
        new("dw 64 56 3x3 p1", 64, 64, 56, 3, 1, 1, 64),
        new("1x1 256->64 56", 256, 64, 56, 1, 1, 0, 1),
    ];

    public ConvolutionOptions Options => new() { Strides = (Stride, Stride), Pads = (Pad, Pad, Pad, Pad), Group = Group };

    public int OutputSize => ((Size + (2 * Pad) - Kernel) / Stride) + 1;

    /// <summary>2 x multiply-adds: <c>2 * O * OH * OW * (C / group) * k * k</c>.</summary>
    public double Flops => 2.0 * Outputs * OutputSize * OutputSize * (Channels / Group) * Kernel * Kernel;

    /// <summary>The input's shape, <c>[1, C, H, W]</c>.</summary>
    public long[] InputShape => [1, Channels, Size, Size];

    /// <summary>The weights' shape, <c>[O, C/group, k, k]</c>.</summary>
    public long[] WeightShape => [Outputs, Channels / Group, Kernel, Kernel];

    /// <summary>The output's shape, <c>[1, O, OH, OW]</c>.</summary>
    public long[] OutputShape => [1, Outputs, OutputSize, OutputSize];

    /// <summary>Seeded random input, weights and bias for this layer (the same in every benchmark).</summary>
    public (float[] Input, float[] Weights, float[] Bias) RandomData() =>
        (ImageData.Random(1, (long)Channels * Size * Size),
         ImageData.Random(2, (long)Outputs * (Channels / Group) * Kernel * Kernel),
         ImageData.Random(3, Outputs));

    /// <summary>A zeroed output tensor of <see cref="OutputShape"/>.</summary>
    public Tensor<float> CreateOutput() => Tensor.Create(new float[(long)Outputs * OutputSize * OutputSize], [.. OutputShape.Select(d => (nint)d)]);

    public override string ToString() => Name;
}
