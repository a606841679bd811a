using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>Q8_0 (34 bytes / 32): f16 d; 32 int8. y = d·q. The activation partner of the 32-element formats.</summary>
public sealed class Q8_0Format() : BlockFormat(GgmlType.Q8_0)
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y)
    {
        float d = ReadHalf(block, 0);
        for (int j = 0; j < 32; j++) y[j] = (sbyte)block[2 + j] * d;
    }

    /// <summary>As the block-by-block decoding (each value q·d, one float32 multiply), eight values per AVX2 instruction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override unsafe void Dequantize(ReadOnlySpan<byte> source, Span<float> destination)
    {
        int blocks = destination.Length / 32;
        if (!Kernels.KernelIsa.Avx2Supported || Kernels.KernelIsa.Selected == Kernels.KernelPath.Portable || source.Length < blocks * 34)
        {
            base.Dequantize(source, destination);
            return;
        }
        fixed (byte* s = source)
        fixed (float* y = destination)
        {
            for (int b = 0; b < blocks; b++)
            {
                byte* block = s + b * 34;
                var d = Vector256.Create(Kernels.HalfVector.ToSingle(*(ushort*)block));
                sbyte* q = (sbyte*)(block + 2);
                float* yb = y + b * 32;
                for (int k = 0; k < 32; k += 8)
                    Avx.Store(yb + k, Avx.Multiply(Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(q + k)), d));
            }
        }
    }

    public override bool HasQuantizer => true;

    protected override void QuantizeBlock(ReadOnlySpan<float> x, Span<byte> block)
    {
        float amax = 0;
        foreach (float v in x) amax = amax > MathF.Abs(v) ? amax : MathF.Abs(v);
        float d = amax / 127;
        float id = d != 0 ? 1.0f / d : 0.0f;
        WriteHalf(block, 0, d);
        for (int j = 0; j < 32; j++) block[2 + j] = (byte)LegacyQuantization.TruncateToInt8(RoundAway(x[j] * id));
    }

    public override GgmlType DotActivation => GgmlType.Q8_0;

    internal override unsafe float DotRow(Kernels.KernelPath path, byte* row, in Kernels.ActivationRow activation, int n) =>
        Kernels.Block32Dot.Run<Kernels.Q8_0Weights>(path, row, activation, n);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override unsafe void MultiplyRows(Kernels.KernelPath path, byte* weights, int rowBytes, int begin, int end,
        Kernels.ActivationRow* activations, int tokens, float* y, int outputs, int n)
    {
        if (Kernels.Block32Tile.Serves(path)) Kernels.Block32Tile.Run<Kernels.Q8_0Weights>(weights, rowBytes, begin, end, activations, tokens, y, outputs, n);
        else base.MultiplyRows(path, weights, rowBytes, begin, end, activations, tokens, y, outputs, n);
    }
}
