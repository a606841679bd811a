using System.Runtime.CompilerServices;

namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>
/// Q4_K (144 bytes / 256): f16 d, f16 dmin, 12 bytes of 6-bit scale/min pairs (8 sub-blocks of 32), qs[128]:
/// per 64 elements, 32 bytes whose low nibbles are the first 32 and high nibbles the next 32. y = d·sc·q − dmin·m.
/// </summary>
public sealed class Q4_KFormat() : BlockFormat(GgmlType.Q4_K)
{
    protected override void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y)
    {
        float d = ReadHalf(block, 0);
        float min = ReadHalf(block, 2);
        var scales = block.Slice(4, 12);
        int o = 0;
        for (int c = 0; c < 4; c++)
        {
            var q = block.Slice(16 + 32 * c, 32);
            var (sc1, m1i) = KQuantScales.Get(scales, 2 * c);
            var (sc2, m2i) = KQuantScales.Get(scales, 2 * c + 1);
            float d1 = d * sc1, m1 = min * m1i, d2 = d * sc2, m2 = min * m2i;
            for (int l = 0; l < 32; l++) y[o++] = d1 * (q[l] & 0xF) - m1;
            for (int l = 0; l < 32; l++) y[o++] = d2 * (q[l] >> 4) - m2;
        }
    }

    public override bool HasQuantizer => true;

    protected override void QuantizeBlock(ReadOnlySpan<float> x, Span<byte> block)
    {
        Span<byte> L = stackalloc byte[256];
        KQuantScales.QuantizeScaleMinBlock(x, block, L, nmax: 15, rmin: -1f, rdelta: 0.1f, nstep: 20);
        for (int c = 0; c < 4; c++)
            for (int l = 0; l < 32; l++) block[16 + 32 * c + l] = (byte)(L[64 * c + l] | (L[64 * c + l + 32] << 4));
    }

    public override GgmlType DotActivation => GgmlType.Q8_K;

    internal override unsafe float DotRow(Kernels.KernelPath path, byte* row, in Kernels.ActivationRow activation, int n) =>
        Kernels.SuperBlockDot.Run<Kernels.Q4_KDot>(path, row, activation, n);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override unsafe void MultiplyRows(Kernels.KernelPath path, byte* weights, int rowBytes, int begin, int end,
        Kernels.ActivationRow* activations, int tokens, float* y, int outputs, int n)
    {
        if (Kernels.SuperBlockTile.Serves<Kernels.Q4_KDot>(path, tokens)) Kernels.SuperBlockTile.Run<Kernels.Q4_KDot>(weights, rowBytes, begin, end, activations, tokens, y, outputs, n);
        else base.MultiplyRows(path, weights, rowBytes, begin, end, activations, tokens, y, outputs, n);
    }
}
