namespace Interpretability.Onnx;

/// <summary>Where one of a layer's weights comes from, and how to compute it.</summary>
internal abstract class WeightSource
{
    /// <summary>The ONNX value the weight is read from.</summary>
    public abstract string Name { get; }

    /// <summary>The node input this weight feeds.</summary>
    public abstract int InputIndex { get; }

    public abstract ConstValue Evaluate(ConstantFolder folder);

    public abstract long[] Dims(ConstantFolder folder);

    /// <summary>A constant node input, as stored (seen through Identity, Cast, DequantizeLinear and friends).</summary>
    public sealed class Input(string name, int inputIndex) : WeightSource
    {
        public override string Name => name;

        public override int InputIndex => inputIndex;

        public override ConstValue Evaluate(ConstantFolder folder) => folder.Evaluate(name);

        public override long[] Dims(ConstantFolder folder) => folder.DimsOf(name);
    }

    /// <summary>
    /// A quantized input of a QLinear or Integer operator, brought back to real numbers:
    /// <c>(value - zeroPoint) * scale * extraScale</c>, where per-channel scales and zero points run
    /// along <paramref name="axis"/> of the value.
    /// </summary>
    public sealed class Quantized(string name, int inputIndex, string? scale, string? zeroPoint, string? extraScale, int axis) : WeightSource
    {
        public override string Name => name;

        public override int InputIndex => inputIndex;

        public override long[] Dims(ConstantFolder folder) => folder.DimsOf(name);

        public override ConstValue Evaluate(ConstantFolder folder)
        {
            var value = folder.Evaluate(name);
            var values = value.AsFloats();
            var scales = scale is null ? null : folder.Evaluate(scale).AsFloats();
            var zeros = zeroPoint is null ? null : folder.Evaluate(zeroPoint).AsFloats();
            var extras = extraScale is null ? null : folder.Evaluate(extraScale).AsFloats();
            var dims = value.Dims;
            long inner = 1;
            for (var i = axis + 1; i < dims.Length; i++)
            {
                inner *= dims[i];
            }

            var axisLength = axis < dims.Length ? dims[axis] : 1;
            var result = new float[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                var channel = (int)(i / inner % Math.Max(1, axisLength));
                var v = values[i] - Pick(zeros, channel, 0f);
                result[i] = v * Pick(scales, channel, 1f) * Pick(extras, channel, 1f);
            }

            return ConstValue.FromFloats(OnnxDataType.Float, dims, result);
        }

        private static float Pick(float[]? values, int channel, float fallback) =>
            values is null ? fallback : values.Length == 1 ? values[0] : values[channel];
    }
}
