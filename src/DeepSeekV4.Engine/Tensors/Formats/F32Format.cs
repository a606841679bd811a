using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>IEEE float32, little-endian.</summary>
public sealed class F32Format() : BlockFormat(GgmlType.F32)
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Dequantize(ReadOnlySpan<byte> source, Span<float> destination) =>
        MemoryMarshal.Cast<byte, float>(source)[..destination.Length].CopyTo(destination);

    public override bool HasQuantizer => true;

    public override void Quantize(ReadOnlySpan<float> source, Span<byte> destination) =>
        MemoryMarshal.AsBytes(source).CopyTo(destination);

    public override GgmlType DotActivation => GgmlType.F32;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override unsafe float DotRow(Kernels.KernelPath path, byte* row, in Kernels.ActivationRow activation, int n) =>
        Kernels.FloatDots.Run<Kernels.F32Row>(path, row, activation.Floats, n);
}
