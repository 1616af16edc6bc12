using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Interpretability;

public static partial class Convolution
{
    /// <summary>AVX2: eight floats per vector.</summary>
    internal readonly struct Vector256Ops : IVectorOps<Vector256<float>>
    {
        public static int Count => Vector256<float>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe Vector256<float> Load(float* source) => Vector256.Load(source);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe void Store(Vector256<float> value, float* destination) => value.Store(destination);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.MultiplyAddEstimate(a, b, c);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> And(Vector256<float> a, Vector256<float> mask) => a & mask;
    }
}
