using System.Runtime.CompilerServices;

namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>
/// Q6_K (210 bytes / 256): ql[128] low nibbles, qh[64] high 2-bit pairs, scales[16] int8 (per 16 elements), f16 d.
/// y = (d·sc)·(q − 32), in that order (ggml's; d·(sc·q) differs in the last bit).
/// </summary>
public sealed class Q6_KFormat() : BlockFormat(GgmlType.Q6_K)
{
    protected override void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y)
    {
        float d = ReadHalf(block, 208);
        for (int half = 0; half < 2; half++)
        {
            var ql = block.Slice(64 * half, 64);
            var qh = block.Slice(128 + 32 * half, 32);
            var sc = block.Slice(192 + 8 * half, 8);
            var yh = y.Slice(128 * half, 128);
            for (int l = 0; l < 32; l++)
            {
                int s = l / 16;
                int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                yh[l] = d * (sbyte)sc[s] * q1;
                yh[l + 32] = d * (sbyte)sc[s + 2] * q2;
                yh[l + 64] = d * (sbyte)sc[s + 4] * q3;
                yh[l + 96] = d * (sbyte)sc[s + 6] * q4;
            }
        }
    }

    public override bool HasQuantizer => true;

    protected override void QuantizeBlock(ReadOnlySpan<float> x, Span<byte> block)
    {
        Span<sbyte> L = stackalloc sbyte[256];
        Span<float> scales = stackalloc float[16];
        float maxScale = 0, maxAbsScale = 0;
        for (int ib = 0; ib < 16; ib++)
        {
            scales[ib] = KQuantSearch.MakeQxQuants(32, x.Slice(16 * ib, 16), L.Slice(16 * ib, 16));
            float abs = MathF.Abs(scales[ib]);
            if (abs > maxAbsScale)
            {
                maxAbsScale = abs;
                maxScale = scales[ib];
            }
        }
        if (maxAbsScale < 1e-15f)
        {
            block.Clear();
            return;
        }
        float iscale = -128f / maxScale;
        WriteHalf(block, 208, 1 / iscale);
        for (int ib = 0; ib < 16; ib++) block[192 + ib] = (byte)(sbyte)Math.Min(127, NearestInt(iscale * scales[ib]));
        float dAll = ReadHalf(block, 208);
        for (int j = 0; j < 16; j++)
        {
            float d = dAll * (sbyte)block[192 + j];
            if (d == 0) continue;
            for (int i = 0; i < 16; i++) L[16 * j + i] = (sbyte)(Math.Max(-32, Math.Min(31, NearestInt(x[16 * j + i] / d))) + 32);
        }
        for (int half = 0; half < 2; half++)
        {
            var ql = block.Slice(64 * half, 64);
            var qh = block.Slice(128 + 32 * half, 32);
            var Lh = L.Slice(128 * half, 128);
            for (int l = 0; l < 32; l++)
            {
                ql[l] = (byte)((Lh[l] & 0xF) | ((Lh[l + 64] & 0xF) << 4));
                ql[l + 32] = (byte)((Lh[l + 32] & 0xF) | ((Lh[l + 96] & 0xF) << 4));
                qh[l] = (byte)((Lh[l] >> 4) | ((Lh[l + 32] >> 4) << 2) | ((Lh[l + 64] >> 4) << 4) | ((Lh[l + 96] >> 4) << 6));
            }
        }
    }

    public override GgmlType DotActivation => GgmlType.Q8_K;

    internal override unsafe float DotRow(Kernels.KernelPath path, byte* row, in Kernels.ActivationRow activation, int n) =>
        Kernels.SuperBlockDot.Run<Kernels.Q6_KDot>(path, row, activation, n);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override unsafe void MultiplyRows(Kernels.KernelPath path, byte* weights, int rowBytes, int begin, int end,
        Kernels.ActivationRow* activations, int tokens, float* y, int outputs, int n)
    {
        if (Kernels.SuperBlockTile.Serves<Kernels.Q6_KDot>(path, tokens)) Kernels.SuperBlockTile.Run<Kernels.Q6_KDot>(weights, rowBytes, begin, end, activations, tokens, y, outputs, n);
        else base.MultiplyRows(path, weights, rowBytes, begin, end, activations, tokens, y, outputs, n);
    }
}
