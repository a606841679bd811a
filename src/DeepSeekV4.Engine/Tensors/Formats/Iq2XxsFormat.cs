using System.Runtime.CompilerServices;
using DeepSeekV4.Engine.Tensors.Tables;

namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>
/// IQ2_XXS (66 bytes / 256): f16 d; per 32 elements two u32: four grid indices (bytes of the first), four 7-bit sign
/// indices and a 4-bit scale s (bits 28..31 of the second). y = d·(0.5 + s)·0.25 · grid · ±1.
/// </summary>
public sealed class Iq2XxsFormat() : BlockFormat(GgmlType.IQ2_XXS)
{
    protected override void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y)
    {
        var grid = GgmlTables.Iq2XxsGrid;
        var signs = GgmlTables.KSignsIq2Xs;
        float d = ReadHalf(block, 0);
        for (int ib = 0; ib < 8; ib++)
        {
            uint indices = ReadUInt32(block, 2 + 8 * ib);
            uint aux = ReadUInt32(block, 6 + 8 * ib);
            float db = d * (0.5f + (aux >> 28)) * 0.25f;
            for (int l = 0; l < 4; l++)
                IqGrid.Write(grid[(indices >> (8 * l)) & 0xFF], signs[(aux >> (7 * l)) & 127], db, y.Slice(32 * ib + 8 * l, 8));
        }
    }

    internal override Kernels.KernelPath KernelPath => Kernels.KernelIsa.Selected256;

    public override GgmlType DotActivation => GgmlType.Q8_K;

    internal override unsafe float DotRow(Kernels.KernelPath path, byte* row, in Kernels.ActivationRow activation, int n) =>
        Kernels.SuperBlockDot.Run<Kernels.Iq2XxsDot>(path, row, activation, n);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override unsafe void MultiplyRows(Kernels.KernelPath path, byte* weights, int rowBytes, int begin, int end,
        Kernels.ActivationRow* activations, int tokens, float* y, int outputs, int n)
    {
        if (Kernels.SuperBlockTile.Serves<Kernels.Iq2XxsDot>(path, tokens)) Kernels.SuperBlockTile.Run<Kernels.Iq2XxsDot>(weights, rowBytes, begin, end, activations, tokens, y, outputs, n);
        else base.MultiplyRows(path, weights, rowBytes, begin, end, activations, tokens, y, outputs, n);
    }
}
