using System.Buffers.Binary;

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

    protected internal static float ReadHalf(ReadOnlySpan<byte> bytes, int offset) =>
        (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(bytes[offset..]));

    protected internal static void WriteHalf(Span<byte> bytes, int offset, float value) =>
        BinaryPrimitives.WriteUInt16LittleEndian(bytes[offset..], BitConverter.HalfToUInt16Bits((Half)value));

    protected internal static uint ReadUInt32(ReadOnlySpan<byte> bytes, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(bytes[offset..]);

    protected internal static ushort ReadUInt16(ReadOnlySpan<byte> bytes, int offset) => BinaryPrimitives.ReadUInt16LittleEndian(bytes[offset..]);

    /// <summary>ggml's <c>nearest_int</c>: round half to even (exact for |x| ≤ 2^22, the range ggml asserts).</summary>
    protected internal static int NearestInt(float x) => (int)MathF.Round(x, MidpointRounding.ToEven);

    /// <summary>C's <c>roundf</c> / <c>lroundf</c>: round half away from zero.</summary>
    protected internal static float RoundAway(float x) => MathF.Round(x, MidpointRounding.AwayFromZero);
}
