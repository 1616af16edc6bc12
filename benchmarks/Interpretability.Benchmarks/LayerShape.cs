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

    public override string ToString() => Name;
}
