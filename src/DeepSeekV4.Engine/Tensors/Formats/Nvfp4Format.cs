using DeepSeekV4.Engine.Tensors.Tables;

namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>NVFP4 (36 bytes / 64): four UE4M3 scale bytes (one per 16 elements), then 32 bytes of E2M1 nibbles (8 per 16).</summary>
public sealed class Nvfp4Format() : BlockFormat(GgmlType.NVFP4)
{
    protected override void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y)
    {
        for (int s = 0; s < 4; s++)
            Fp4Codebook.WriteNibbles(block.Slice(4 + 8 * s, 8), GgmlTables.Nvfp4Ue4M3Scale[block[s]], y.Slice(16 * s, 16));
    }
}
