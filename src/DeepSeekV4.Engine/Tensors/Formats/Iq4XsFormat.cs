using System.Runtime.CompilerServices;

namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>
/// IQ4_XS (136 bytes / 256): f16 d; u16 scales_h (2 high bits per 32); scales_l[4] (low nibbles); qs[128] as IQ4_NL
/// per 32 elements. y = d·(ls − 32)·kvalues[q].
/// </summary>
public sealed class Iq4XsFormat() : BlockFormat(GgmlType.IQ4_XS)
{
    protected override void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y)
    {
        float d = ReadHalf(block, 0);
        int scalesH = ReadUInt16(block, 2);
        for (int ib = 0; ib < 8; ib++)
        {
            int ls = ((block[4 + ib / 2] >> (4 * (ib % 2))) & 0xF) | (((scalesH >> (2 * ib)) & 3) << 4);
            Iq4NlFormat.WriteNibbles(block.Slice(8 + 16 * ib, 16), d * (ls - 32), y.Slice(32 * ib, 32));
        }
    }

    internal override Kernels.KernelPath KernelPath => Kernels.KernelIsa.Selected256;

    public override GgmlType DotActivation => GgmlType.Q8_K;

    internal override unsafe float DotRow(Kernels.KernelPath path, byte* row, in Kernels.ActivationRow activation, int n) =>
        Kernels.SuperBlockDot.Run<Kernels.Iq4XsDot>(path, row, activation, n);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override unsafe void MultiplyRows(Kernels.KernelPath path, byte* weights, int rowBytes, int begin, int end,
        Kernels.ActivationRow* activations, int tokens, float* y, int outputs, int n)
    {
        if (Kernels.SuperBlockTile.Serves<Kernels.Iq4XsDot>(path, tokens)) Kernels.SuperBlockTile.Run<Kernels.Iq4XsDot>(weights, rowBytes, begin, end, activations, tokens, y, outputs, n);
        else base.MultiplyRows(path, weights, rowBytes, begin, end, activations, tokens, y, outputs, n);
    }
}
