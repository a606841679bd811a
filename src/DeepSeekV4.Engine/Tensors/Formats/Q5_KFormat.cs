using System.Runtime.CompilerServices;

namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>
/// Q5_K (176 bytes / 256): f16 d, f16 dmin, 12 bytes of scale/min pairs, qh[32] (5th bits: bit 2c for the low
/// nibbles of 64-chunk c, bit 2c+1 for its high nibbles), qs[128] as Q4_K. y = d·sc·q − dmin·m.
/// </summary>
public sealed class Q5_KFormat() : BlockFormat(GgmlType.Q5_K)
{
    protected override void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y)
    {
        float d = ReadHalf(block, 0);
        float min = ReadHalf(block, 2);
        var scales = block.Slice(4, 12);
        var qh = block.Slice(16, 32);
        int o = 0, u1 = 1, u2 = 2;
        for (int c = 0; c < 4; c++)
        {
            var ql = block.Slice(48 + 32 * c, 32);
            var (sc1, m1i) = KQuantScales.Get(scales, 2 * c);
            var (sc2, m2i) = KQuantScales.Get(scales, 2 * c + 1);
            float d1 = d * sc1, m1 = min * m1i, d2 = d * sc2, m2 = min * m2i;
            for (int l = 0; l < 32; l++) y[o++] = d1 * ((ql[l] & 0xF) + ((qh[l] & u1) != 0 ? 16 : 0)) - m1;
            for (int l = 0; l < 32; l++) y[o++] = d2 * ((ql[l] >> 4) + ((qh[l] & u2) != 0 ? 16 : 0)) - m2;
            u1 <<= 2;
            u2 <<= 2;
        }
    }

    public override bool HasQuantizer => true;

    protected override void QuantizeBlock(ReadOnlySpan<float> x, Span<byte> block)
    {
        Span<byte> L = stackalloc byte[256];
        KQuantScales.QuantizeScaleMinBlock(x, block, L, nmax: 31, rmin: -0.5f, rdelta: 0.1f, nstep: 15);
        var qh = block.Slice(16, 32);
        qh.Clear();
        for (int c = 0; c < 4; c++)
        {
            for (int j = 0; j < 32; j++)
            {
                int l1 = L[64 * c + j], l2 = L[64 * c + j + 32];
                if (l1 > 15)
                {
                    l1 -= 16;
                    qh[j] |= (byte)(1 << (2 * c));
                }
                if (l2 > 15)
                {
                    l2 -= 16;
                    qh[j] |= (byte)(2 << (2 * c));
                }
                block[48 + 32 * c + j] = (byte)(l1 | (l2 << 4));
            }
        }
    }

    public override GgmlType DotActivation => GgmlType.Q8_K;

    internal override unsafe float DotRow(Kernels.KernelPath path, byte* row, in Kernels.ActivationRow activation, int n) =>
        Kernels.SuperBlockDot.Run<Kernels.Q5_KDot>(path, row, activation, n);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override unsafe void MultiplyRows(Kernels.KernelPath path, byte* weights, int rowBytes, int begin, int end,
        Kernels.ActivationRow* activations, int tokens, float* y, int outputs, int n)
    {
        if (Kernels.SuperBlockTile.Serves<Kernels.Q5_KDot>(path, tokens)) Kernels.SuperBlockTile.Run<Kernels.Q5_KDot>(weights, rowBytes, begin, end, activations, tokens, y, outputs, n);
        else base.MultiplyRows(path, weights, rowBytes, begin, end, activations, tokens, y, outputs, n);
    }
}
