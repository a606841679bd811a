using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>IEEE binary16. Widening is exact (subnormals included); narrowing rounds to nearest even, as ggml does.</summary>
public sealed class F16Format() : BlockFormat(GgmlType.F16)
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Dequantize(ReadOnlySpan<byte> source, Span<float> destination) =>
        Kernels.Elementwise.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(source)[..destination.Length], destination);

    public override bool HasQuantizer => true;

    public override void Quantize(ReadOnlySpan<float> source, Span<byte> destination) =>
        TensorPrimitives.ConvertToHalf(source, MemoryMarshal.Cast<byte, Half>(destination)[..source.Length]);

    public override GgmlType DotActivation => GgmlType.F32;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override unsafe float DotRow(Kernels.KernelPath path, byte* row, in Kernels.ActivationRow activation, int n) =>
        Kernels.FloatDots.Run<Kernels.F16Row>(path, row, activation.Floats, n);

    /// <summary>Rows widened to float32 once per tile, then dotted with every token.</summary>
    private const int RowTile = 8;

    /// <summary>Below this many tokens widening a row costs more than it saves (kernel-bench: 4 tokens slower, 8 faster).</summary>
    private const int WidenFromTokens = 8;

    [ThreadStatic] private static Kernels.ScratchBuffer? _widened;

    /// <summary>
    /// Many tokens: each tile of rows is widened once (exactly) and dotted with every token as float32 rows, with the
    /// same kernel and order of additions as <see cref="DotRow"/>, so each result is the same bit for bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override unsafe void MultiplyRows(Kernels.KernelPath path, byte* weights, int rowBytes, int begin, int end,
        Kernels.ActivationRow* activations, int tokens, float* y, int outputs, int n)
    {
        if (tokens < WidenFromTokens)
        {
            base.MultiplyRows(path, weights, rowBytes, begin, end, activations, tokens, y, outputs, n);
            return;
        }
        float* widened = (float*)(_widened ??= new()).Get(4L * RowTile * n);
        for (int tile = begin; tile < end; tile += RowTile)
        {
            int rows = Math.Min(end, tile + RowTile) - tile;
            for (int r = 0; r < rows; r++)
                Kernels.Elementwise.ConvertToSingle(new ReadOnlySpan<Half>(weights + (long)(tile + r) * rowBytes, n), new Span<float>(widened + (long)r * n, n));
            for (int t = 0; t < tokens; t++)
            {
                float* yt = y + (long)t * outputs + tile;
                for (int r = 0; r < rows; r++) yt[r] = Kernels.FloatDots.Run<Kernels.F32Row>(path, (byte*)(widened + (long)r * n), activations[t].Floats, n);
            }
        }
    }
}
