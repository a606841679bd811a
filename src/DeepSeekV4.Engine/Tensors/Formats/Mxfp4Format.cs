using System.Runtime.CompilerServices;
using DeepSeekV4.Engine.Tensors.Tables;

namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>MXFP4 (17 bytes / 32): E8M0 exponent byte e; 16 bytes of E2M1 nibbles (split halves). y = kvalue·2^(e−128).</summary>
public sealed class Mxfp4Format() : BlockFormat(GgmlType.MXFP4)
{
    protected override void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y) =>
        Fp4Codebook.WriteNibbles(block.Slice(1, 16), GgmlTables.Mxfp4E8M0Scale[block[0]], y);

    public override bool HasQuantizer => true;

    protected override void QuantizeBlock(ReadOnlySpan<float> x, Span<byte> block)
    {
        float amax = 0;
        foreach (float v in x)
            if (amax < MathF.Abs(v)) amax = MathF.Abs(v);
        // ggml: floorf(log2f(amax)) − 2 + 127. glibc's log2f returns exactly K for values a few ulps below 2^K, which
        // the correctly rounded double log2 narrowed to float reproduces; reading the exponent field would not.
        byte e = amax > 0 ? (byte)LegacyQuantization.TruncateToUInt8(MathF.Floor((float)Math.Log2(amax)) - 2 + 127) : (byte)0;
        float d = GgmlTables.Mxfp4E8M0Scale[e];
        block[0] = e;
        for (int j = 0; j < 16; j++)
            block[1 + j] = (byte)(Fp4Codebook.BestIndex(x[j], d) | (Fp4Codebook.BestIndex(x[j + 16], d) << 4));
    }

    public override GgmlType DotActivation => GgmlType.Q8_0;

    internal override unsafe float DotRow(Kernels.KernelPath path, byte* row, in Kernels.ActivationRow activation, int n) =>
        Kernels.Block32Dot.Run<Kernels.Mxfp4Weights>(path, row, activation, n);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override unsafe void MultiplyRows(Kernels.KernelPath path, byte* weights, int rowBytes, int begin, int end,
        Kernels.ActivationRow* activations, int tokens, float* y, int outputs, int n)
    {
        if (Kernels.Block32Tile.Serves(path)) Kernels.Block32Tile.Run<Kernels.Mxfp4Weights>(weights, rowBytes, begin, end, activations, tokens, y, outputs, n);
        else base.MultiplyRows(path, weights, rowBytes, begin, end, activations, tokens, y, outputs, n);
    }
}
