using System.Runtime.CompilerServices;

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
