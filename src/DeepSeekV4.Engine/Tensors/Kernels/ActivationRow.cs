using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using DeepSeekV4.Engine.Tensors.Formats;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// One row of activations as the kernels read it. F32: <see cref="Floats"/>. Q8_0 and Q8_K: the int8 codes of the whole
/// row contiguous in <see cref="Codes"/> (64-byte aligned), one float scale per block in <see cref="Scales"/>, and for
/// Q8_K the int16 sum of every 16 codes in <see cref="GroupSums"/>. The values are exactly those of ggml's Q8_0/Q8_K
/// blocks (reference quantizers), only laid out for SIMD loads. Q8_0 rows also carry the int32 sum of each block's codes
/// in <see cref="BlockSums"/> (the kernels that bias weight codes to unsigned bytes subtract bias · sum).
/// </summary>
internal readonly unsafe struct ActivationRow(float* floats, sbyte* codes, float* scales, short* groupSums, int* blockSums = null)
{
    public readonly float* Floats = floats;
    public readonly sbyte* Codes = codes;
    public readonly float* Scales = scales;
    public readonly short* GroupSums = groupSums;
    public readonly int* BlockSums = blockSums;

    /// <summary>Bytes <see cref="Quantize"/> needs for a row of <paramref name="n"/> values in <paramref name="encoding"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int BufferBytes(GgmlType encoding, int n) => encoding switch
    {
        GgmlType.F32 => 4 * n,
        GgmlType.Q8_0 => Align(n) + 8 * (n / 32),
        GgmlType.Q8_K => Align(n) + 4 * (n / 256) + 2 * (n / 16),
        _ => throw new NotSupportedException($"{GgmlTypeInfo.Of(encoding).Name} is not an activation encoding"),
    };

    private static int Align(int bytes) => (bytes + 63) & ~63;

    /// <summary>Converts x into <paramref name="encoding"/> inside <paramref name="buffer"/> (64-byte aligned, <see cref="BufferBytes"/> long).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ActivationRow Quantize(GgmlType encoding, ReadOnlySpan<float> x, byte* buffer) =>
        ActivationQuantizer.IsSupported ? QuantizeSimd(encoding, x, buffer) : QuantizeReference(encoding, x, buffer);

    /// <summary>The AVX2 quantizers (same values as <see cref="QuantizeReference"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static ActivationRow QuantizeSimd(GgmlType encoding, ReadOnlySpan<float> x, byte* buffer)
    {
        int n = x.Length;
        fixed (float* px = x)
        {
            switch (encoding)
            {
                case GgmlType.Q8_0:
                {
                    var row = Q8_0Row(buffer, n);
                    ActivationQuantizer.QuantizeQ8_0(px, n / 32, row.Codes, row.Scales);
                    SumBlocks(row, n / 32);
                    return row;
                }
                case GgmlType.Q8_K:
                {
                    var row = new ActivationRow(null, (sbyte*)buffer, (float*)(buffer + Align(n)), (short*)(buffer + Align(n) + 4 * (n / 256)));
                    ActivationQuantizer.QuantizeQ8_K(px, n / 256, row.Codes, row.Scales, row.GroupSums);
                    return row;
                }
                default:
                    return QuantizeReference(encoding, x, buffer);
            }
        }
    }

    /// <summary>Through ggml's reference quantizers block by block (the definition the SIMD quantizers are tested against).</summary>
    internal static ActivationRow QuantizeReference(GgmlType encoding, ReadOnlySpan<float> x, byte* buffer)
    {
        int n = x.Length;
        switch (encoding)
        {
            case GgmlType.F32:
                x.CopyTo(new Span<float>(buffer, n));
                return new ActivationRow((float*)buffer, null, null, null);
            case GgmlType.Q8_0:
            {
                var format = Dequantizer.FormatOf(GgmlType.Q8_0);
                Span<byte> block = stackalloc byte[34];
                var row = Q8_0Row(buffer, n);
                for (int b = 0; b < n / 32; b++)
                {
                    format.Quantize(x.Slice(32 * b, 32), block);
                    row.Scales[b] = BlockFormat.ReadHalf(block, 0);
                    block.Slice(2, 32).CopyTo(new Span<byte>(buffer + 32 * b, 32));
                }
                SumBlocks(row, n / 32);
                return row;
            }
            case GgmlType.Q8_K:
            {
                var format = Dequantizer.FormatOf(GgmlType.Q8_K);
                Span<byte> block = stackalloc byte[292];
                var row = new ActivationRow(null, (sbyte*)buffer, (float*)(buffer + Align(n)), (short*)(buffer + Align(n) + 4 * (n / 256)));
                for (int b = 0; b < n / 256; b++)
                {
                    format.Quantize(x.Slice(256 * b, 256), block);
                    Unpack(block, row, b);
                }
                return row;
            }
            default:
                throw new NotSupportedException($"{GgmlTypeInfo.Of(encoding).Name} is not an activation encoding");
        }
    }

    /// <summary>Rearranges activations already in ggml's block layout (for the span-based DotRow).</summary>
    public static ActivationRow FromBlocks(GgmlType encoding, ReadOnlySpan<byte> blocks, int n, byte* buffer)
    {
        switch (encoding)
        {
            case GgmlType.F32:
                blocks[..(4 * n)].CopyTo(new Span<byte>(buffer, 4 * n));
                return new ActivationRow((float*)buffer, null, null, null);
            case GgmlType.Q8_0:
            {
                var row = Q8_0Row(buffer, n);
                for (int b = 0; b < n / 32; b++)
                {
                    row.Scales[b] = BlockFormat.ReadHalf(blocks, 34 * b);
                    blocks.Slice(34 * b + 2, 32).CopyTo(new Span<byte>(buffer + 32 * b, 32));
                }
                SumBlocks(row, n / 32);
                return row;
            }
            case GgmlType.Q8_K:
            {
                var row = new ActivationRow(null, (sbyte*)buffer, (float*)(buffer + Align(n)), (short*)(buffer + Align(n) + 4 * (n / 256)));
                for (int b = 0; b < n / 256; b++) Unpack(blocks.Slice(292 * b, 292), row, b);
                return row;
            }
            default:
                throw new NotSupportedException($"{GgmlTypeInfo.Of(encoding).Name} is not an activation encoding");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ActivationRow Q8_0Row(byte* buffer, int n) =>
        new(null, (sbyte*)buffer, (float*)(buffer + Align(n)), null, (int*)(buffer + Align(n) + 4 * (n / 32)));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SumBlocks(ActivationRow row, int blocks)
    {
        for (int b = 0; b < blocks; b++)
        {
            int sum = 0;
            for (int j = 0; j < 32; j++) sum += row.Codes[32 * b + j];
            row.BlockSums[b] = sum;
        }
    }

    private static void Unpack(ReadOnlySpan<byte> block, ActivationRow row, int b)
    {
        row.Scales[b] = BinaryPrimitives.ReadSingleLittleEndian(block);
        block.Slice(4, 256).CopyTo(new Span<byte>(row.Codes + 256 * b, 256));
        for (int g = 0; g < 16; g++) row.GroupSums[16 * b + g] = BinaryPrimitives.ReadInt16LittleEndian(block[(260 + 2 * g)..]);
    }
}
