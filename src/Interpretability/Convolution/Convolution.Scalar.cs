using System.Runtime.CompilerServices;

namespace Interpretability;

public static partial class Convolution
{
    /// <summary>One float at a time: the fallback when no vector hardware is usable, and for rows narrower than four pixels.</summary>
    internal readonly struct ScalarOps : IVectorOps<float>
    {
        public static int Count => 1;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe float Load(float* source) => *source;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe void Store(float value, float* destination) => *destination = value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Broadcast(float value) => value;

        // a * b + c without fusing: MathF.FusedMultiplyAdd is a slow software routine on hardware without FMA.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float MultiplyAdd(float a, float b, float c) => (a * b) + c;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Add(float a, float b) => a + b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float And(float a, float mask) => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(a) & BitConverter.SingleToInt32Bits(mask));
    }
}
