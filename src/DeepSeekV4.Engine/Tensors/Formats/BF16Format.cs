using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>bfloat16: the upper 16 bits of a float32.</summary>
public sealed class BF16Format() : BlockFormat(GgmlType.BF16)
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Dequantize(ReadOnlySpan<byte> source, Span<float> destination)
    {
        var raw = MemoryMarshal.Cast<byte, ushort>(source)[..destination.Length];
        var bits = MemoryMarshal.Cast<float, uint>(destination);
        for (int i = 0; i < raw.Length; i++) bits[i] = (uint)raw[i] << 16;
    }

    public override bool HasQuantizer => true;

    public override void Quantize(ReadOnlySpan<float> source, Span<byte> destination)
    {
        var raw = MemoryMarshal.Cast<byte, ushort>(destination)[..source.Length];
        for (int i = 0; i < source.Length; i++) raw[i] = FloatFormats.FloatToBF16(source[i]);
    }

    public override GgmlType DotActivation => GgmlType.F32;

    internal override unsafe float DotRow(Kernels.KernelPath path, byte* row, in Kernels.ActivationRow activation, int n) =>
        Kernels.FloatDots.Run<Kernels.BF16Row>(path, row, activation.Floats, n);
}
