using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>
/// The code of one ggml tensor type: decoding whole blocks to float32 exactly as ggml's <c>dequantize_row_*</c> does
/// (same float32 operations in the same order), and, where ggml's reference quantizer is ported, encoding.
/// Callers go through <see cref="Dequantizer"/> and <see cref="Quantizer"/>, which check lengths first.
/// </summary>
public abstract class BlockFormat
{
    protected BlockFormat(GgmlType type)
    {
        Type = type;
        Info = GgmlTypeInfo.Of(type);
    }

    public GgmlType Type { get; }
    public GgmlTypeInfo Info { get; }

    /// <summary>Decodes <c>destination.Length / BlockSize</c> blocks from <paramref name="source"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public virtual void Dequantize(ReadOnlySpan<byte> source, Span<float> destination)
    {
        int blockSize = Info.BlockSize, blockBytes = Info.BytesPerBlock;
        int blocks = destination.Length / blockSize;
        for (int b = 0; b < blocks; b++)
            DequantizeBlock(source.Slice(b * blockBytes, blockBytes), destination.Slice(b * blockSize, blockSize));
    }

    protected virtual void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y) =>
        throw new NotSupportedException($"dequantization of {Info.Name} is not supported");

    /// <summary>True when <see cref="Quantize"/> reproduces ggml's reference quantizer byte for byte.</summary>
    public virtual bool HasQuantizer => false;

    /// <summary>Encodes <c>source.Length / BlockSize</c> blocks into <paramref name="destination"/>.</summary>
    public virtual void Quantize(ReadOnlySpan<float> source, Span<byte> destination)
    {
        int blockSize = Info.BlockSize, blockBytes = Info.BytesPerBlock;
        int blocks = source.Length / blockSize;
        for (int b = 0; b < blocks; b++)
            QuantizeBlock(source.Slice(b * blockSize, blockSize), destination.Slice(b * blockBytes, blockBytes));
    }

    protected virtual void QuantizeBlock(ReadOnlySpan<float> x, Span<byte> block) =>
        throw new NotSupportedException($"there is no reference quantizer for {Info.Name}");

    /// <summary>
    /// The encoding activations are converted to, once per row of x, for <see cref="DotRow(ReadOnlySpan{byte}, ReadOnlySpan{byte}, int)"/>:
    /// F32 (used as they are) for the float formats and formats without a fused kernel, Q8_0 for the 32-element formats
    /// with an integer kernel, Q8_K for the K- and i-quants with one.
    /// </summary>
    public virtual GgmlType DotActivation => GgmlType.F32;

    /// <summary>Σ_i w_i·a_i over one row of <paramref name="n"/> elements; <paramref name="activation"/> is in <see cref="DotActivation"/>'s encoding.</summary>
    public unsafe float DotRow(ReadOnlySpan<byte> row, ReadOnlySpan<byte> activation, int n)
    {
        Dequantizer.CheckLengths(Info, n, row.Length);
        Dequantizer.CheckLengths(GgmlTypeInfo.Of(DotActivation), n, activation.Length);
        var a = Kernels.ActivationRow.FromBlocks(DotActivation, activation, n, (_activationScratch ??= new()).Get(Kernels.ActivationRow.BufferBytes(DotActivation, n)));
        fixed (byte* w = row)
            return DotRow(KernelPath, w, a, n);
    }

    /// <summary>The instruction-set path <see cref="MatrixProducts"/> and <see cref="DotRow(ReadOnlySpan{byte}, ReadOnlySpan{byte}, int)"/> use for this format.</summary>
    internal virtual Kernels.KernelPath KernelPath => Kernels.KernelIsa.Selected;

    /// <summary>
    /// The unchecked kernel behind <see cref="DotRow(ReadOnlySpan{byte}, ReadOnlySpan{byte}, int)"/>, on the given
    /// instruction-set path (tests compare the paths). Default: dequantize, then a float dot.
    /// </summary>
    internal virtual unsafe float DotRow(Kernels.KernelPath path, byte* row, in Kernels.ActivationRow activation, int n)
    {
        float* values = (float*)(_rowScratch ??= new()).Get(4L * n);
        Dequantize(new ReadOnlySpan<byte>(row, checked((int)Info.RowBytes(n))), new Span<float>(values, n));
        return Kernels.FloatDots.Run<Kernels.F32Row>(path, (byte*)values, activation.Floats, n);
    }

    /// <summary>Weight rows multiplied with one token's activations before moving to the next token (default MultiplyRows).</summary>
    private const int RowTile = 8;

    /// <summary>
    /// y[t · outputs + r] = DotRow(row r, activations[t]) for rows [begin, end) of <paramref name="weights"/> and every
    /// token: the block of a matrix product one thread computes. Formats with a multi-token kernel override it; each result
    /// must equal <see cref="DotRow(Kernels.KernelPath, byte*, in Kernels.ActivationRow, int)"/> bit for bit. Default: tiles
    /// of <see cref="RowTile"/> rows, so a tile's weight rows stay in cache while each token's activations are read once per tile.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal virtual unsafe void MultiplyRows(Kernels.KernelPath path, byte* weights, int rowBytes, int begin, int end,
        Kernels.ActivationRow* activations, int tokens, float* y, int outputs, int n)
    {
        for (int tile = begin; tile < end; tile += RowTile)
        {
            int tileEnd = Math.Min(end, tile + RowTile);
            for (int t = 0; t < tokens; t++)
            {
                float* yt = y + (long)t * outputs;
                for (int r = tile; r < tileEnd; r++) yt[r] = DotRow(path, weights + (long)r * rowBytes, activations[t], n);
            }
        }
    }

    [ThreadStatic] private static Kernels.ScratchBuffer? _rowScratch;
    [ThreadStatic] private static Kernels.ScratchBuffer? _activationScratch;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected internal static float ReadHalf(ReadOnlySpan<byte> bytes, int offset) =>
        (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(bytes[offset..]));

    protected internal static void WriteHalf(Span<byte> bytes, int offset, float value) =>
        BinaryPrimitives.WriteUInt16LittleEndian(bytes[offset..], BitConverter.HalfToUInt16Bits((Half)value));

    protected internal static uint ReadUInt32(ReadOnlySpan<byte> bytes, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(bytes[offset..]);

    protected internal static ushort ReadUInt16(ReadOnlySpan<byte> bytes, int offset) => BinaryPrimitives.ReadUInt16LittleEndian(bytes[offset..]);

    /// <summary>
    /// ggml's <c>nearest_int</c>, by its own method: adding 1.5·2^23 leaves the integer in the low mantissa bits (round
    /// half to even for |x| ≤ 2^22; infinities and NaN give −2^22, as in ggml).
    /// </summary>
    protected internal static int NearestInt(float x) => (BitConverter.SingleToInt32Bits(x + 12582912f) & 0x007FFFFF) - 0x00400000;

    /// <summary>C's <c>roundf</c> / <c>lroundf</c>: round half away from zero.</summary>
    protected internal static float RoundAway(float x) => MathF.Round(x, MidpointRounding.AwayFromZero);
}
