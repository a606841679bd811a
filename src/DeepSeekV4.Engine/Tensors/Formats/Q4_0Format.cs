using System.Runtime.CompilerServices;

namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>Q4_0 (18 bytes / 32): f16 d; 16 bytes of nibbles, byte j = element j (low) and j+16 (high). y = d·(q − 8).</summary>
public sealed class Q4_0Format() : BlockFormat(GgmlType.Q4_0)
{
    protected override void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y)
    {
        float d = ReadHalf(block, 0);
        var qs = block.Slice(2, 16);
        for (int j = 0; j < 16; j++)
        {
            y[j] = ((qs[j] & 0x0F) - 8) * d;
            y[j + 16] = ((qs[j] >> 4) - 8) * d;
        }
    }

    public override bool HasQuantizer => true;

    protected override void QuantizeBlock(ReadOnlySpan<float> x, Span<byte> block)
    {
        var (_, max) = LegacyQuantization.SignedAbsMax(x);
        float d = max / -8;
        float id = d != 0 ? 1.0f / d : 0.0f;
        WriteHalf(block, 0, d);
        for (int j = 0; j < 16; j++)
        {
            int xi0 = Math.Min(15, LegacyQuantization.TruncateToInt8(x[j] * id + 8.5f));
            int xi1 = Math.Min(15, LegacyQuantization.TruncateToInt8(x[j + 16] * id + 8.5f));
            block[2 + j] = (byte)(xi0 | (xi1 << 4));
        }
    }

    internal override Kernels.KernelPath KernelPath => Kernels.KernelIsa.Selected256;

    public override GgmlType DotActivation => GgmlType.Q8_0;

    internal override unsafe float DotRow(Kernels.KernelPath path, byte* row, in Kernels.ActivationRow activation, int n) =>
        Kernels.Block32Dot.Run<Kernels.Q4_0Weights>(path, row, activation, n);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override unsafe void MultiplyRows(Kernels.KernelPath path, byte* weights, int rowBytes, int begin, int end,
        Kernels.ActivationRow* activations, int tokens, float* y, int outputs, int n)
    {
        if (Kernels.Block32Tile.Serves(path)) Kernels.Block32Tile.Run<Kernels.Q4_0Weights>(weights, rowBytes, begin, end, activations, tokens, y, outputs, n);
        else base.MultiplyRows(path, weights, rowBytes, begin, end, activations, tokens, y, outputs, n);
    }
}
