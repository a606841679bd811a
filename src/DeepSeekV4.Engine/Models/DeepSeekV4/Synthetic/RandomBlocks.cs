using System.Buffers.Binary;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;

/// <summary>
/// Writes random values straight in a tensor's storage format: no float matrix is made and quantized. Each
/// quantized format gets random quant values with scales chosen so that the decoded values have the asked mean-zero
/// standard deviation (approximately: the value sets are discrete). Layouts are ggml's (gguf reference):
/// Q8_0 = f16 d, 32 × int8; Q4_K = f16 d, f16 dmin, 12 bytes of 6-bit scales/mins, 128 bytes of nibbles;
/// Q2_K = 16 bytes of 4-bit scale|min, 64 bytes of 2-bit quants, f16 d, f16 dmin;
/// IQ2_XXS = f16 d, then per 32 values 4 grid-index bytes and a uint32 of four 7-bit sign indices and a 4-bit scale;
/// MXFP4 = an E8M0 exponent byte e, then 16 bytes of E2M1 nibbles (value = kvalue·2^(e−128), kvalue the doubled E2M1 set).
/// </summary>
public static class RandomBlocks
{
    private static readonly float Sqrt3 = MathF.Sqrt(3f);

    // Q4_K: value = d·sc·q − dmin·m with q ∈ 0..15; m = sc and dmin = 7.5·d centre it: d·sc·(q − 7.5).
    private const int Q4KScaleLow = 32, Q4KScaleHigh = 63;
    private static readonly float Q4KSpread = MathF.Sqrt((16f * 16f - 1f) / 12f) * RmsOfRange(Q4KScaleLow, Q4KScaleHigh, 0f);

    // Q2_K: value = d·sc·q − dmin·m with q ∈ 0..3; m = sc and dmin = 1.5·d centre it: d·sc·(q − 1.5).
    private const int Q2KScaleLow = 8, Q2KScaleHigh = 15;
    private static readonly float Q2KSpread = MathF.Sqrt((4f * 4f - 1f) / 12f) * RmsOfRange(Q2KScaleLow, Q2KScaleHigh, 0f);

    // IQ2_XXS: value = d·(0.5 + ls)·0.25·grid·sign; the root-mean-square of the 2048 bytes of ggml's iq2xxs grid
    // (values 8, 25, 43) is 23.1177.
    private const int Iq2ScaleLow = 4, Iq2ScaleHigh = 15;
    private const float Iq2XxsGridRms = 23.1177f;
    private static readonly float Iq2XxsSpread = 0.25f * Iq2XxsGridRms * RmsOfRange(Iq2ScaleLow, Iq2ScaleHigh, 0.5f);

    // MXFP4: ggml's doubled E2M1 values {0, 1, 2, 3, 4, 6, 8, 12} and their negatives, uniformly drawn, have an RMS of
    // √(274/8) = 5.8523; the power-of-two scale 2^(e−128) is drawn per block from the two around the wanted one.
    private static readonly float Mxfp4KvalueRms = MathF.Sqrt(274f / 8f);

    /// <summary>Root-mean-square of the integers low..high (each shifted by <paramref name="offset"/>), uniformly drawn.</summary>
    private static float RmsOfRange(int low, int high, float offset)
    {
        double sum = 0;
        for (int k = low; k <= high; k++) sum += (k + offset) * (k + offset);
        return (float)Math.Sqrt(sum / (high - low + 1));
    }

    /// <summary>Fills <paramref name="rows"/> whole rows of <paramref name="tensor"/> starting at <paramref name="firstRow"/>.</summary>
    public static void Fill(SyntheticTensor tensor, long firstRow, int rows, ref SyntheticRandom random, Span<byte> destination)
    {
        int rowLength = checked((int)tensor.RowLength);
        int rowBytes = checked((int)GgmlTypeInfo.Of(tensor.Type).RowBytes(rowLength));
        if (destination.Length != rowBytes * rows)
            throw new ArgumentException($"tensor '{tensor.Name}': {rows} rows need {rowBytes * rows} bytes, got {destination.Length}");
        if (tensor.Type is not (GgmlType.F32 or GgmlType.F16 or GgmlType.I32) && tensor.Mean != 0f)
            throw new NotSupportedException($"tensor '{tensor.Name}': quantized random values are centred on 0, not {tensor.Mean}");
        float halfWidth = tensor.StdDev * Sqrt3;
        FillValues(tensor, rows, ref random, destination, halfWidth);
        if (tensor.Role == SyntheticTensorRole.HyperConnectionBase) LeanCombTowardsIdentity(tensor, destination);
    }

    /// <summary>
    /// +2 on the diagonal of a hyper-connection's comb bias (row j, column j of the n×n block after the n pre and n
    /// post entries), as the dsv4-tiny fixture does: the Sinkhorn mix then mostly keeps each stream, like a residual.
    /// </summary>
    private static void LeanCombTowardsIdentity(SyntheticTensor tensor, Span<byte> destination)
    {
        int length = checked((int)tensor.RowLength);
        int n = (int)Math.Round(Math.Sqrt(length + 1.0)) - 1;
        if (n * (n + 2) != length) return; // output_hc_base: n entries, no comb
        for (int j = 0; j < n; j++)
        {
            int index = 2 * n + j * n + j;
            if (tensor.Type == GgmlType.F32)
                BinaryPrimitives.WriteSingleLittleEndian(destination[(index * 4)..], BinaryPrimitives.ReadSingleLittleEndian(destination[(index * 4)..]) + 2f);
            else if (tensor.Type == GgmlType.F16)
                BinaryPrimitives.WriteHalfLittleEndian(destination[(index * 2)..], (Half)((float)BinaryPrimitives.ReadHalfLittleEndian(destination[(index * 2)..]) + 2f));
        }
    }

    private static void FillValues(SyntheticTensor tensor, int rows, ref SyntheticRandom random, Span<byte> destination, float halfWidth)
    {
        switch (tensor.Type)
        {
            case GgmlType.F32:
                for (int i = 0; i < destination.Length; i += 4)
                    BinaryPrimitives.WriteSingleLittleEndian(destination[i..], Uniform(ref random, tensor.Mean, halfWidth));
                break;
            case GgmlType.F16:
                for (int i = 0; i < destination.Length; i += 2)
                    BinaryPrimitives.WriteHalfLittleEndian(destination[i..], (Half)Uniform(ref random, tensor.Mean, halfWidth));
                break;
            case GgmlType.BF16:
                for (int i = 0; i < destination.Length; i += 2)
                    BinaryPrimitives.WriteUInt16LittleEndian(destination[i..], FloatFormats.FloatToBF16(Uniform(ref random, tensor.Mean, halfWidth)));
                break;
            case GgmlType.I32:
                FillExpertIds(tensor, rows, ref random, destination);
                break;
            case GgmlType.Q8_0:
                FillBlocks(destination, 34, ref random, halfWidth, Q8_0Block);
                break;
            case GgmlType.Q4_K:
                FillBlocks(destination, 144, ref random, tensor.StdDev / Q4KSpread, Q4KBlock);
                break;
            case GgmlType.Q2_K:
                FillBlocks(destination, 84, ref random, tensor.StdDev / Q2KSpread, Q2KBlock);
                break;
            case GgmlType.IQ2_XXS:
                FillBlocks(destination, 66, ref random, tensor.StdDev / Iq2XxsSpread, Iq2XxsBlock);
                break;
            case GgmlType.MXFP4:
                FillBlocks(destination, 17, ref random, tensor.StdDev / Mxfp4KvalueRms, Mxfp4Block);
                break;
            default:
                throw new NotSupportedException($"tensor '{tensor.Name}': random {GgmlTypeInfo.Of(tensor.Type).Name} values are not implemented");
        }
    }

    private static float Uniform(ref SyntheticRandom random, float mean, float halfWidth) =>
        mean + (random.NextSingle() * 2f - 1f) * halfWidth;

    private delegate void BlockWriter(Span<byte> block, ref SyntheticRandom random, float scale);

    private static void FillBlocks(Span<byte> destination, int blockBytes, ref SyntheticRandom random, float scale, BlockWriter write)
    {
        for (int offset = 0; offset < destination.Length; offset += blockBytes)
            write(destination.Slice(offset, blockBytes), ref random, scale);
    }

    /// <summary>Q8_0 with values uniform on d·{−127..127}: <paramref name="halfWidth"/> = 127·d.</summary>
    private static void Q8_0Block(Span<byte> block, ref SyntheticRandom random, float halfWidth)
    {
        BinaryPrimitives.WriteHalfLittleEndian(block, (Half)(halfWidth / 127f));
        var qs = block[2..];
        random.NextBytes(qs);
        for (int i = 0; i < qs.Length; i++) qs[i] = (byte)(sbyte)((qs[i] * 255 >> 8) - 127);
    }

    private static void Q4KBlock(Span<byte> block, ref SyntheticRandom random, float d)
    {
        Half dh = (Half)d;
        BinaryPrimitives.WriteHalfLittleEndian(block, dh);
        BinaryPrimitives.WriteHalfLittleEndian(block[2..], (Half)((float)dh * 7.5f));
        Span<int> sc = stackalloc int[8];
        for (int j = 0; j < 8; j++) sc[j] = Q4KScaleLow + random.NextInt(Q4KScaleHigh - Q4KScaleLow + 1);
        var scales = block.Slice(4, 12);
        for (int j = 0; j < 4; j++)
        {
            int hi = sc[j + 4];
            scales[j] = (byte)(sc[j] | ((hi >> 4) << 6));          // scale j, top bits of scale j+4
            scales[j + 4] = (byte)(sc[j] | ((hi >> 4) << 6));      // min j (= scale j), top bits of min j+4
            scales[j + 8] = (byte)((hi & 0xF) | ((hi & 0xF) << 4)); // low bits of scale and min j+4
        }
        random.NextBytes(block[16..]);
    }

    private static void Q2KBlock(Span<byte> block, ref SyntheticRandom random, float d)
    {
        for (int i = 0; i < 16; i++)
        {
            int sc = Q2KScaleLow + random.NextInt(Q2KScaleHigh - Q2KScaleLow + 1);
            block[i] = (byte)(sc | (sc << 4));
        }
        random.NextBytes(block.Slice(16, 64));
        Half dh = (Half)d;
        BinaryPrimitives.WriteHalfLittleEndian(block[80..], dh);
        BinaryPrimitives.WriteHalfLittleEndian(block[82..], (Half)((float)dh * 1.5f));
    }

    private static void Iq2XxsBlock(Span<byte> block, ref SyntheticRandom random, float d)
    {
        BinaryPrimitives.WriteHalfLittleEndian(block, (Half)d);
        for (int group = 0; group < 8; group++)
        {
            var g = block.Slice(2 + group * 8, 8);
            ulong bits = random.NextUInt64();
            uint gridIndices = (uint)bits;
            uint signs = (uint)(bits >> 32) & 0x0FFFFFFF;
            uint ls = (uint)(Iq2ScaleLow + random.NextInt(Iq2ScaleHigh - Iq2ScaleLow + 1));
            BinaryPrimitives.WriteUInt32LittleEndian(g, gridIndices);
            BinaryPrimitives.WriteUInt32LittleEndian(g[4..], signs | (ls << 28));
        }
    }

    /// <summary>
    /// MXFP4 as DeepSeek's FP4 checkpoint holds it: random E2M1 nibbles and an E8M0 exponent. The wanted scale s lies in
    /// [2^k, 2^(k+1)); the block takes 2^k with probability p = (4·4^k − s²)/(3·4^k), else 2^(k+1), so that the mean
    /// square of the scales is s².
    /// </summary>
    private static void Mxfp4Block(Span<byte> block, ref SyntheticRandom random, float scale)
    {
        int k = (int)MathF.Floor(MathF.Log2(scale));
        float low = MathF.ScaleB(1f, k);
        float p = (4f * low * low - scale * scale) / (3f * low * low);
        int exponent = k + (random.NextSingle() < p ? 0 : 1) + 128;
        block[0] = (byte)Math.Clamp(exponent, 1, 254);
        random.NextBytes(block.Slice(1, 16));
    }

    /// <summary>tid2eid rows: for each token, ExpertUsedCount distinct expert ids in [0, expert count).</summary>
    private static void FillExpertIds(SyntheticTensor tensor, int rows, ref SyntheticRandom random, Span<byte> destination)
    {
        int used = checked((int)tensor.RowLength);
        int experts = checked((int)tensor.IntegerRange);
        if (experts < used) throw new ArgumentException($"tensor '{tensor.Name}': {used} distinct experts per token out of {experts}");
        Span<int> row = stackalloc int[used];
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < used; k++)
            {
                int pick;
                do pick = random.NextInt(experts);
                while (row[..k].Contains(pick));
                row[k] = pick;
            }
            for (int k = 0; k < used; k++)
                BinaryPrimitives.WriteInt32LittleEndian(destination[((r * used + k) * 4)..], row[k]);
        }
    }
}
