using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>IEEE binary16. Widening is exact (subnormals included); narrowing rounds to nearest even, as ggml does.</summary>
public sealed class F16Format() : BlockFormat(GgmlType.F16)
{
    public override void Dequantize(ReadOnlySpan<byte> source, Span<float> destination) =>
        TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(source)[..destination.Length], destination);

    public override bool HasQuantizer => true;

    public override void Quantize(ReadOnlySpan<float> source, Span<byte> destination) =>
        TensorPrimitives.ConvertToHalf(source, MemoryMarshal.Cast<byte, Half>(destination)[..source.Length]);
}
