using System.Runtime.CompilerServices;

namespace DeepSeekV4.Engine.KvCache;

/// <summary>
/// The model's own indexer-key format (reference §7.1): FP4 e2m1 packed two per byte, then one UE8M0 scale byte per
/// 32 values — 68 bytes for a 128-dim key. Lossless for keys that are already FP4-simulated, as the model's are.
/// </summary>
public sealed class NativeIndexerKeyCodec : KvRowCodec
{
    public const int ScaleBlock = 32;
    private readonly int _packed;

    public NativeIndexerKeyCodec(int dim) : base(KvCacheFormat.Native, dim, BytesPerRow(dim)) => _packed = dim / 2;

    public static int BytesPerRow(int dim)
    {
        if (dim % ScaleBlock != 0) throw new ArgumentException($"indexer key dims ({dim}) must be a multiple of {ScaleBlock}");
        return dim / 2 + dim / ScaleBlock;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Encode(ReadOnlySpan<float> row, Span<byte> destination)
    {
        for (int b = 0; b < Dim / ScaleBlock; b++)
        {
            int k = Fp4E2M1.QuantizeBlock(row.Slice(b * ScaleBlock, ScaleBlock), destination.Slice(b * ScaleBlock / 2, ScaleBlock / 2));
            destination[_packed + b] = (byte)(k + 127);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Decode(ReadOnlySpan<byte> source, Span<float> row)
    {
        for (int b = 0; b < Dim / ScaleBlock; b++)
            Fp4E2M1.DequantizeBlock(source.Slice(b * ScaleBlock / 2, ScaleBlock / 2), source[_packed + b] - 127, row.Slice(b * ScaleBlock, ScaleBlock));
    }
}
