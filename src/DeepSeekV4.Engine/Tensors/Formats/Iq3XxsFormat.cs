using System.Runtime.CompilerServices;
using DeepSeekV4.Engine.Tensors.Tables;

namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>
/// IQ3_XXS (98 bytes / 256): f16 d; 64 grid indices (one per 4 elements); 8 u32 (four 7-bit sign indices and a
/// 4-bit scale s per 32 elements). y = d·(0.5 + s)·0.5 · grid · ±1.
/// </summary>
public sealed class Iq3XxsFormat() : BlockFormat(GgmlType.IQ3_XXS)
{
    protected override void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y)
    {
        var grid = GgmlTables.Iq3XxsGrid;
        var signTable = GgmlTables.KSignsIq2Xs;
        float d = ReadHalf(block, 0);
        var qs = block.Slice(2, 64);
        for (int ib = 0; ib < 8; ib++)
        {
            uint aux = ReadUInt32(block, 66 + 4 * ib);
            float db = d * (0.5f + (aux >> 28)) * 0.5f;
            for (int l = 0; l < 4; l++)
            {
                int signs = signTable[(aux >> (7 * l)) & 127];
                var y8 = y.Slice(32 * ib + 8 * l, 8);
                IqGrid.Write(grid[qs[8 * ib + 2 * l]], signs, db, y8[..4]);
                IqGrid.Write(grid[qs[8 * ib + 2 * l + 1]], signs >> 4, db, y8[4..]);
            }
        }
    }

    internal override Kernels.KernelPath KernelPath => Kernels.KernelIsa.Selected256;

    public override GgmlType DotActivation => GgmlType.Q8_K;

    internal override unsafe float DotRow(Kernels.KernelPath path, byte* row, in Kernels.ActivationRow activation, int n) =>
        Kernels.SuperBlockDot.Run<Kernels.Iq3XxsDot>(path, row, activation, n);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override unsafe void MultiplyRows(Kernels.KernelPath path, byte* weights, int rowBytes, int begin, int end,
        Kernels.ActivationRow* activations, int tokens, float* y, int outputs, int n)
    {
        if (Kernels.SuperBlockTile.Serves<Kernels.Iq3XxsDot>(path, tokens)) Kernels.SuperBlockTile.Run<Kernels.Iq3XxsDot>(weights, rowBytes, begin, end, activations, tokens, y, outputs, n);
        else base.MultiplyRows(path, weights, rowBytes, begin, end, activations, tokens, y, outputs, n);
    }
}
