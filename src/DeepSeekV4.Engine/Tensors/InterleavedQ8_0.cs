namespace DeepSeekV4.Engine.Tensors;

/// <summary>
/// Q8_0 weights with every 16 consecutive rows interleaved block by block, so one 256-bit vector holds 4 codes of each
/// of 8 rows and a product needs no horizontal sums (the idea of ggml's CPU "repack"), and one broadcast of 4 activation
/// codes serves 16 rows. Per group of 16 rows and per block b (544 bytes, as 16 plain blocks): the 16 rows' f16 scales
/// (32 bytes), then 8 chunks of 64 bytes, chunk k holding codes 4k..4k+3 of rows 0, 1, …, 7 (the low half, 32 bytes)
/// and then of rows 8, …, 15 (the high half), each code stored plus 128 as an unsigned byte (the operand vpdpbusd
/// multiplies). A tensor keeps its size and its place in memory; only the byte order changes.
/// </summary>
public static unsafe class InterleavedQ8_0
{
    public const int Rows = 16;
    private const int BlockBytes = 34;
    private const int GroupBlockBytes = Rows * BlockBytes;

    /// <summary>Where code j of row r (of 16) lies in a group's block: after the 32 bytes of scales, chunk j / 4, half r / 8.</summary>
    internal static int CodeOffset(int r, int j) => 32 + 64 * (j / 4) + 32 * (r / 8) + 4 * (r % 8) + j % 4;

    /// <summary>Whether this CPU has the products for the layout (AVX-VNNI); without them interleaving would only cost.</summary>
    public static bool IsSupported => Kernels.InterleavedQ8_0Products.IsSupported;

    /// <summary>Whether a Q8_0 matrix of <paramref name="rowCount"/> rows can be stored interleaved.</summary>
    public static bool Fits(GgmlType type, long rowCount) => type == GgmlType.Q8_0 && rowCount > 0 && rowCount % Rows == 0;

    /// <summary>
    /// Rearranges the matrix's rows in place (its memory must be the process's own copy) and returns the interleaved
    /// view of it. Groups of rows are independent, so they are spread over the cores.
    /// </summary>
    public static TensorView Interleave(TensorView plain)
    {
        if (plain.IsInterleaved) throw new ArgumentException($"tensor '{plain.Name}' is already interleaved", nameof(plain));
        if (!Fits(plain.Type, plain.RowCount))
            throw new ArgumentException($"tensor '{plain.Name}' ({plain.TypeInfo.Name}, {plain.RowCount} rows) cannot be stored interleaved", nameof(plain));
        byte* data = (byte*)plain.Address;
        int rowBytes = plain.RowBytes;
        Parallel.For(0, plain.RowCount / Rows, () => new byte[Rows * rowBytes], (group, _, scratch) =>
        {
            InterleaveGroup(data + group * Rows * rowBytes, rowBytes, scratch);
            return scratch;
        }, _ => { });
        return new TensorView(plain.Name, plain.Type, plain.Shape, plain.Address, plain.ByteSize, interleaved: true);
    }

    private static void InterleaveGroup(byte* group, int rowBytes, byte[] scratch)
    {
        int blocks = rowBytes / BlockBytes;
        new ReadOnlySpan<byte>(group, scratch.Length).CopyTo(scratch);
        fixed (byte* source = scratch)
        {
            for (int b = 0; b < blocks; b++)
            {
                byte* target = group + (long)b * GroupBlockBytes;
                for (int r = 0; r < Rows; r++)
                {
                    byte* block = source + (long)r * rowBytes + b * BlockBytes;
                    *(ushort*)(target + 2 * r) = *(ushort*)block;
                    for (int k = 0; k < 8; k++) *(uint*)(target + CodeOffset(r, 4 * k)) = *(uint*)(block + 2 + 4 * k) ^ 0x80808080u;
                }
            }
        }
    }

    /// <summary>Row <paramref name="row"/> of an interleaved matrix back in plain Q8_0 blocks.</summary>
    public static void CopyRow(byte* data, long row, int rowBytes, Span<byte> destination)
    {
        int blocks = rowBytes / BlockBytes;
        byte* group = data + row / Rows * Rows * rowBytes;
        int r = (int)(row % Rows);
        for (int b = 0; b < blocks; b++)
        {
            byte* source = group + (long)b * GroupBlockBytes;
            var block = destination.Slice(b * BlockBytes, BlockBytes);
            block[0] = source[2 * r];
            block[1] = source[2 * r + 1];
            for (int j = 0; j < 32; j++) block[2 + j] = (byte)(source[CodeOffset(r, j)] ^ 0x80);
        }
    }
}
