using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Interpretability;

public static partial class Convolution
{
    /// <summary>AVX-512: sixteen floats per vector, 32 registers.</summary>
    internal readonly struct Vector512Ops : IVectorOps<Vector512<float>>
    {
        public static int Count => Vector512<float>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe Vector512<float> Load(float* source) => Vector512.Load(source);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe void Store(Vector512<float> value, float* destination) => value.Store(destination);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.MultiplyAddEstimate(a, b, c);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> And(Vector512<float> a, Vector512<float> mask) => a & mask;
    }
}
