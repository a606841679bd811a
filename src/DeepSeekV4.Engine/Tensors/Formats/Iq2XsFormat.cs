using System.Runtime.CompilerServices;
using DeepSeekV4.Engine.Tensors.Tables;

namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>
/// IQ2_XS (74 bytes / 256): f16 d; 32 u16 (9-bit grid index, 7-bit sign index) per 8 elements; scales[8], two 4-bit
/// scales per 32 elements (low for the first 16). y = d·(0.5 + s)·0.25 · grid · ±1.
/// </summary>
public sealed class Iq2XsFormat() : BlockFormat(GgmlType.IQ2_XS)
{
    protected override void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y)
    {
        var grid = GgmlTables.Iq2XsGrid;
        var signs = GgmlTables.KSignsIq2Xs;
        float d = ReadHalf(block, 0);
        for (int ib = 0; ib < 8; ib++)
        {
            int sc = block[66 + ib];
            float db0 = d * (0.5f + (sc & 0xF)) * 0.25f;
            float db1 = d * (0.5f + (sc >> 4)) * 0.25f;
            for (int l = 0; l < 4; l++)
            {
                int q = ReadUInt16(block, 2 + 2 * (4 * ib + l));
                IqGrid.Write(grid[q & 511], signs[q >> 9], l < 2 ? db0 : db1, y.Slice(32 * ib + 8 * l, 8));
            }
        }
    }

    internal override Kernels.KernelPath KernelPath => Kernels.KernelIsa.Selected256;

    public override GgmlType DotActivation => GgmlType.Q8_K;

    internal override unsafe float DotRow(Kernels.KernelPath path, byte* row, in Kernels.ActivationRow activation, int n) =>
        Kernels.SuperBlockDot.Run<Kernels.Iq2XsDot>(path, row, activation, n);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override unsafe void MultiplyRows(Kernels.KernelPath path, byte* weights, int rowBytes, int begin, int end,
        Kernels.ActivationRow* activations, int tokens, float* y, int outputs, int n)
    {
        if (Kernels.SuperBlockTile.Serves<Kernels.Iq2XsDot>(path, tokens)) Kernels.SuperBlockTile.Run<Kernels.Iq2XsDot>(weights, rowBytes, begin, end, activations, tokens, y, outputs, n);
        else base.MultiplyRows(path, weights, rowBytes, begin, end, activations, tokens, y, outputs, n);
    }
}
