using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Interpretability;

/// <summary>
/// The pointwise and packed algorithms: an "implicit GEMM" over virtual output positions.
/// </summary>
/// <remarks>
/// <para>
/// The input is laid out (packed, or in place for a 1x1 convolution) so that output position
/// <c>(y, x)</c> of every channel reads tap <c>t</c> at <c>plane + tapOffsets[t] + y * VW + x</c>,
/// where <c>VW</c> (the virtual width) is the packed phase width (<see cref="ConvGeometry.PhaseWidth"/>),
/// or the input width in place. So <c>p = y * VW + x</c> runs over "virtual positions" <c>[0, OH * VW)</c>,
/// every tap is a constant offset, and the convolution is the product of the packed weights
/// <c>[O, C * taps]</c> with the (implicit) matrix <c>[C * taps, P]</c>: a GEMM whose B operand is
/// read straight from the planes, with no im2col copy. Virtual positions with <c>x &gt;= OW</c> are
/// computed and thrown away (for 64 channels of 56x56 with padding 1, 2 of 58 columns).
/// </para>
/// <para>
/// Blocks of <c>3 * Count</c> positions (48 with AVX-512) go through the 8x3 micro-kernel for each
/// block of 8 output channels; the last block overlaps the previous one (recomputing a few
/// positions) instead of running a tail. When the virtual width equals the output width and the
/// block has 8 real channels the kernel stores straight into the output; otherwise into a small tile
/// whose valid runs are copied out.
/// </para>
/// </remarks>
internal sealed partial class Conv2DPlan
{
    /// <summary>Output positions per micro-kernel step: 3 vectors.</summary>
    internal static int BlockPositions(SimdWidth width) => 3 * (int)width;

    private unsafe void RunPointwise(in ConvGeometry g, float* input, in InputLayout layout, float* output)
    {
        nint tap = 0;
        RunGemm(g, input, layout.Channel, &tap, 1, g.InputWidth, output);
    }

    private unsafe void RunPacked(in ConvGeometry g, float* input, in InputLayout layout, float* output)
    {
        int channels = GroupChannels * Group;
        nint phasePlane = (nint)(g.PhaseHeight * g.PhaseWidth);
        nint channelLength = g.StrideY * g.StrideX * phasePlane;
        long length = (channels * (long)channelLength) + g.PhaseWidth + (2L * BlockPositions(_width)) + 16;
        float[] packed = ArrayPool<float>.Shared.Rent(checked((int)length));
        int taps = g.Taps;
        nint[]? rentedOffsets = taps > 256 ? ArrayPool<nint>.Shared.Rent(taps) : null;
        Span<nint> offsets = rentedOffsets ?? stackalloc nint[256];
        try
        {
            fixed (float* pack = packed)
            fixed (nint* tapOffsets = offsets)
            {
                PackInput(g, input, layout, pack, channels, channelLength, phasePlane, length);
                for (int ky = 0; ky < g.KernelHeight; ky++)
                {
                    long row = (long)ky * g.DilationY;
                    for (int kx = 0; kx < g.KernelWidth; kx++)
                    {
                        long column = (long)kx * g.DilationX;
                        long phase = ((row % g.StrideY) * g.StrideX) + (column % g.StrideX);
                        tapOffsets[(ky * g.KernelWidth) + kx] = (nint)((phase * phasePlane) + ((row / g.StrideY) * g.PhaseWidth) + (column / g.StrideX));
                    }
                }

                RunGemm(g, pack, channelLength, tapOffsets, taps, (int)g.PhaseWidth, output);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packed);
            if (rentedOffsets is not null)
            {
                ArrayPool<nint>.Shared.Return(rentedOffsets);
            }
        }
    }

    /// <summary>
    /// Copies <c>[C, H, W]</c> into zero-padded, stride-split planes: padded pixel <c>(yp, xp)</c> of
    /// channel <c>c</c> goes to <c>pack[c * channelLength + ((yp % sy) * sx + xp % sx) * phasePlane + (yp / sy) * PhaseWidth + xp / sx]</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PackInput(in ConvGeometry g, float* input, in InputLayout layout, float* pack, int channels, nint channelLength, nint phasePlane, long length)
    {
        NativeMemory.Clear(pack, (nuint)length * sizeof(float));
        nint phaseWidth = (nint)g.PhaseWidth;
        for (int c = 0; c < channels; c++)
        {
            float* plane = pack + (c * channelLength);
            float* source = input + (c * layout.Channel);
            for (int y = 0; y < g.InputHeight; y++)
            {
                int yp = y + g.PadTop;
                float* row = plane + ((yp % g.StrideY) * g.StrideX * phasePlane) + ((yp / g.StrideY) * phaseWidth);
                Convolution.FillSplitRow(g, source + (y * layout.Row), layout.Column, row, phasePlane);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void RunGemm(in ConvGeometry g, float* input, nint channelStride, nint* tapOffsets, int taps, int virtualWidth, float* output)
    {
        var job = new GemmJob
        {
            Input = (nint)input,
            ChannelStride = channelStride,
            TapOffsets = (nint)tapOffsets,
            Taps = taps,
            VirtualWidth = virtualWidth,
            OutputWidth = g.OutputWidth,
            OutputHeight = g.OutputHeight,
            Output = (nint)output,
        };
        long blocks = ((long)g.OutputHeight * virtualWidth + BlockPositions(_width) - 1) / BlockPositions(_width);
        long items = Group * blocks;
        int workers = Workers(MultiplyAdds(g), items);
        if (workers == 1)
        {
            RunGemm(job, blocks, 0, items);
            return;
        }

        RunGemmParallel(job, blocks, items, workers);
    }

    /// <summary>
    /// Splits the work items across threads; the caller's frame (packed input, tap offsets) stays
    /// alive until every worker is done. A method of its own so the lambda's closure is allocated only
    /// when a run is split.
    /// </summary>
    private void RunGemmParallel(GemmJob job, long blocks, long items, int workers) =>
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w => RunGemm(job, blocks, items * w / workers, items * (w + 1) / workers));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunGemm(in GemmJob job, long blocks, long first, long end)
    {
        switch (_width)
        {
            case SimdWidth.Vector512:
                RunGemm<Convolution.Vector512Ops, Vector512<float>>(job, blocks, first, end);
                break;
            case SimdWidth.Vector256:
                RunGemm<Convolution.Vector256Ops, Vector256<float>>(job, blocks, first, end);
                break;
            case SimdWidth.Vector128:
                RunGemm<Convolution.Vector128Ops, Vector128<float>>(job, blocks, first, end);
                break;
            default:
                RunGemm<Convolution.ScalarOps, float>(job, blocks, first, end);
                break;
        }
    }

    /// <summary>Work items <c>[first, end)</c>: item <c>i</c> is position block <c>i % blocks</c> of group <c>i / blocks</c>, all output-channel blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void RunGemm<TOps, TVec>(in GemmJob job, long blocks, long first, long end)
        where TOps : IVectorOps<TVec>
        where TVec : struct
    {
        int blockPositions = 3 * TOps.Count;
        int outputWidth = job.OutputWidth, outputHeight = job.OutputHeight, virtualWidth = job.VirtualWidth, taps = job.Taps;
        nint channelStride = job.ChannelStride;
        nint* tapOffsets = (nint*)job.TapOffsets;
        nint plane = (nint)outputHeight * outputWidth;
        nint positions = (nint)outputHeight * virtualWidth;
        bool inPlace = virtualWidth == outputWidth;
        float* tile = stackalloc float[BlockChannels * blockPositions];
        int* runs = stackalloc int[3 * (blockPositions + 2)];
        int perBlock = GroupChannels * taps * BlockChannels;
        fixed (float* weights = _weights)
        fixed (float* bias = _bias)
        {
            for (long item = first; item < end; item++)
            {
                int group = (int)(item / blocks);
                nint start = (nint)(item % blocks) * blockPositions;
                float* groupInput = (float*)job.Input + (group * GroupChannels * channelStride);
                float* groupOutput = (float*)job.Output + (group * GroupOutputs * plane);

                // The last block overlaps the previous one; with fewer positions than a block it reads the packed slack.
                nint p0 = start + blockPositions <= positions || positions < blockPositions ? start : positions - blockPositions;
                int runCount = inPlace ? 0 : ValidRuns(p0, blockPositions, virtualWidth, outputWidth, outputHeight, runs);
                if (inPlace)
                {
                    runCount = 1;
                    runs[0] = 0;
                    runs[1] = (int)p0;
                    runs[2] = (int)Math.Min(blockPositions, positions - p0);
                }

                for (int block = 0; block < Blocks; block++)
                {
                    int blockIndex = (group * Blocks) + block;
                    int lanes = Math.Min(BlockChannels, GroupOutputs - (block * BlockChannels));
                    float* blockOutput = groupOutput + (block * BlockChannels * plane);
                    bool direct = inPlace && lanes == BlockChannels && p0 + blockPositions <= positions;
                    MicroKernel8x3<TOps, TVec>(
                        groupInput + p0, channelStride, GroupChannels, tapOffsets, taps,
                        weights + ((nint)blockIndex * perBlock), bias + (blockIndex * BlockChannels),
                        direct ? blockOutput + p0 : tile, direct ? plane : blockPositions);
                    if (!direct)
                    {
                        ScatterTile<TOps, TVec>(tile, blockPositions, lanes, runs, runCount, blockOutput, plane);
                    }
                }
            }
        }
    }

    /// <summary>What every worker of one GEMM run shares (pointers as native ints so lambdas can carry them).</summary>
    private readonly struct GemmJob
    {
        public nint Input { get; init; }

        public nint ChannelStride { get; init; }

        public nint TapOffsets { get; init; }

        public int Taps { get; init; }

        public int VirtualWidth { get; init; }

        public int OutputWidth { get; init; }

        public int OutputHeight { get; init; }

        public nint Output { get; init; }
    }

    /// <summary>
    /// The runs of valid outputs among virtual positions <c>[p0, p0 + count)</c>: triples
    /// (offset in the block, offset in the output plane, length).
    /// </summary>
    private static unsafe int ValidRuns(nint p0, int count, int virtualWidth, int outputWidth, int outputHeight, int* runs)
    {
        int n = 0;
        nint end = p0 + count;
        for (nint p = p0; p < end;)
        {
            nint y = p / virtualWidth;
            if (y >= outputHeight)
            {
                break;
            }

            nint x = p - (y * virtualWidth);
            nint rowEnd = Math.Min(end, (y + 1) * virtualWidth);
            if (x < outputWidth)
            {
                runs[(3 * n) + 0] = (int)(p - p0);
                runs[(3 * n) + 1] = (int)((y * outputWidth) + x);
                runs[(3 * n) + 2] = (int)(Math.Min(rowEnd, (y * virtualWidth) + outputWidth) - p);
                n++;
            }

            p = rowEnd;
        }

        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void ScatterTile<TOps, TVec>(float* tile, int blockPositions, int lanes, int* runs, int runCount, float* output, nint plane)
        where TOps : IVectorOps<TVec>
        where TVec : struct
    {
        int v = TOps.Count;
        for (int lane = 0; lane < lanes; lane++)
        {
            float* from = tile + (lane * blockPositions);
            float* to = output + (lane * plane);
            for (int r = 0; r < runCount; r++)
            {
                float* f = from + runs[3 * r];
                float* t = to + runs[(3 * r) + 1];
                int length = runs[(3 * r) + 2];
                int i = 0;
                for (; i <= length - v; i += v)
                {
                    TOps.Store(TOps.Load(f + i), t + i);
                }

                for (; i < length; i++)
                {
                    t[i] = f[i];
                }
            }
        }
    }

    /// <summary>
    /// The micro-kernel: 8 output channels x 3 vectors of consecutive output positions, 24
    /// accumulators. Per tap it loads 3 input vectors and broadcasts 8 weights, then 24 FMAs.
    /// Scalar equivalent: <c>out[o * outputStride + p] = bias[o] + sum_c sum_t w[c][t][o] * input[c * channelStride + tapOffsets[t] + p]</c>
    /// for o in [0, 8), p in [0, 3 * Count).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void MicroKernel8x3<TOps, TVec>(float* input, nint channelStride, int channels, nint* tapOffsets, int taps, float* w, float* bias, float* output, nint outputStride)
        where TOps : IVectorOps<TVec>
        where TVec : struct
    {
        nint v = TOps.Count;
        TVec a00 = TOps.Broadcast(bias[0]), a01 = a00, a02 = a00;
        TVec a10 = TOps.Broadcast(bias[1]), a11 = a10, a12 = a10;
        TVec a20 = TOps.Broadcast(bias[2]), a21 = a20, a22 = a20;
        TVec a30 = TOps.Broadcast(bias[3]), a31 = a30, a32 = a30;
        TVec a40 = TOps.Broadcast(bias[4]), a41 = a40, a42 = a40;
        TVec a50 = TOps.Broadcast(bias[5]), a51 = a50, a52 = a50;
        TVec a60 = TOps.Broadcast(bias[6]), a61 = a60, a62 = a60;
        TVec a70 = TOps.Broadcast(bias[7]), a71 = a70, a72 = a70;
        for (int c = 0; c < channels; c++, input += channelStride)
        {
            for (int t = 0; t < taps; t++, w += 8)
            {
                float* p = input + tapOffsets[t];
                TVec x0 = TOps.Load(p), x1 = TOps.Load(p + v), x2 = TOps.Load(p + (2 * v));
                TVec b;
                b = TOps.Broadcast(w[0]);
                a00 = TOps.MultiplyAdd(x0, b, a00);
                a01 = TOps.MultiplyAdd(x1, b, a01);
                a02 = TOps.MultiplyAdd(x2, b, a02);
                b = TOps.Broadcast(w[1]);
                a10 = TOps.MultiplyAdd(x0, b, a10);
                a11 = TOps.MultiplyAdd(x1, b, a11);
                a12 = TOps.MultiplyAdd(x2, b, a12);
                b = TOps.Broadcast(w[2]);
                a20 = TOps.MultiplyAdd(x0, b, a20);
                a21 = TOps.MultiplyAdd(x1, b, a21);
                a22 = TOps.MultiplyAdd(x2, b, a22);
                b = TOps.Broadcast(w[3]);
                a30 = TOps.MultiplyAdd(x0, b, a30);
                a31 = TOps.MultiplyAdd(x1, b, a31);
                a32 = TOps.MultiplyAdd(x2, b, a32);
                b = TOps.Broadcast(w[4]);
                a40 = TOps.MultiplyAdd(x0, b, a40);
                a41 = TOps.MultiplyAdd(x1, b, a41);
                a42 = TOps.MultiplyAdd(x2, b, a42);
                b = TOps.Broadcast(w[5]);
                a50 = TOps.MultiplyAdd(x0, b, a50);
                a51 = TOps.MultiplyAdd(x1, b, a51);
                a52 = TOps.MultiplyAdd(x2, b, a52);
                b = TOps.Broadcast(w[6]);
                a60 = TOps.MultiplyAdd(x0, b, a60);
                a61 = TOps.MultiplyAdd(x1, b, a61);
                a62 = TOps.MultiplyAdd(x2, b, a62);
                b = TOps.Broadcast(w[7]);
                a70 = TOps.MultiplyAdd(x0, b, a70);
                a71 = TOps.MultiplyAdd(x1, b, a71);
                a72 = TOps.MultiplyAdd(x2, b, a72);
            }
        }

        float* o0 = output;
        TOps.Store(a00, o0);
        TOps.Store(a01, o0 + v);
        TOps.Store(a02, o0 + (2 * v));
        float* o1 = output + outputStride;
        TOps.Store(a10, o1);
        TOps.Store(a11, o1 + v);
        TOps.Store(a12, o1 + (2 * v));
        float* o2 = output + (2 * outputStride);
        TOps.Store(a20, o2);
        TOps.Store(a21, o2 + v);
        TOps.Store(a22, o2 + (2 * v));
        float* o3 = output + (3 * outputStride);
        TOps.Store(a30, o3);
        TOps.Store(a31, o3 + v);
        TOps.Store(a32, o3 + (2 * v));
        float* o4 = output + (4 * outputStride);
        TOps.Store(a40, o4);
        TOps.Store(a41, o4 + v);
        TOps.Store(a42, o4 + (2 * v));
        float* o5 = output + (5 * outputStride);
        TOps.Store(a50, o5);
        TOps.Store(a51, o5 + v);
        TOps.Store(a52, o5 + (2 * v));
        float* o6 = output + (6 * outputStride);
        TOps.Store(a60, o6);
        TOps.Store(a61, o6 + v);
        TOps.Store(a62, o6 + (2 * v));
        float* o7 = output + (7 * outputStride);
        TOps.Store(a70, o7);
        TOps.Store(a71, o7 + v);
        TOps.Store(a72, o7 + (2 * v));
    }
}
