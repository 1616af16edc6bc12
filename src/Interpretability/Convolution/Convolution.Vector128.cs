using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Interpretability;

public static partial class Convolution
{
    /// <summary>SSE or AdvSimd: four floats per vector.</summary>
    internal readonly struct Vector128Ops : IVectorOps<Vector128<float>>
    {
        public static int Count => Vector128<float>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe Vector128<float> Load(float* source) => Vector128.Load(source);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe void Store(Vector128<float> value, float* destination) => value.Store(destination);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.MultiplyAddEstimate(a, b, c);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> And(Vector128<float> a, Vector128<float> mask) => a & mask;
    }
}
