using System.Runtime.CompilerServices;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.KvCache;

/// <summary>
/// The model's own K=V row format (reference §7.1): the non-rotary dims as FP8 e4m3 with one UE8M0 scale byte per 64
/// values, the scale bytes padded to an even count, then the rotary dims as BF16. 584 bytes for a 512-dim head
/// (448 + 7 + 1 + 128). Lossless for rows whose non-rotary dims are already FP8-simulated, as the model's are.
/// </summary>
public sealed class NativeKvRowCodec : KvRowCodec
{
    public const int ScaleBlock = 64;
    private readonly int _nope;
    private readonly int _scales;
    private readonly int _ropeOffset;

    public NativeKvRowCodec(int headDim, int ropeDim) : base(KvCacheFormat.Native, headDim, BytesPerRow(headDim, ropeDim))
    {
        _nope = headDim - ropeDim;
        _scales = _nope / ScaleBlock;
        _ropeOffset = _nope + ScaleBytes(_nope);
    }

    public static int BytesPerRow(int headDim, int ropeDim)
    {
        int nope = headDim - ropeDim;
        if (nope % ScaleBlock != 0) throw new ArgumentException($"non-rotary dims ({nope}) must be a multiple of {ScaleBlock}");
        return nope + ScaleBytes(nope) + 2 * ropeDim;
    }

    private static int ScaleBytes(int nope) => (nope / ScaleBlock + 1) & ~1;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Encode(ReadOnlySpan<float> row, Span<byte> destination)
    {
        for (int b = 0; b < _scales; b++)
        {
            int k = Fp8E4M3.QuantizeBlock(row.Slice(b * ScaleBlock, ScaleBlock), destination.Slice(b * ScaleBlock, ScaleBlock));
            destination[_nope + b] = (byte)(k + 127);
        }
        for (int i = _nope + _scales; i < _ropeOffset; i++) destination[i] = 0;
        for (int i = _nope; i < Dim; i++)
        {
            ushort bits = FloatFormats.FloatToBF16(row[i]);
            int o = _ropeOffset + 2 * (i - _nope);
            destination[o] = (byte)bits;
            destination[o + 1] = (byte)(bits >> 8);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Decode(ReadOnlySpan<byte> source, Span<float> row)
    {
        for (int b = 0; b < _scales; b++)
            Fp8E4M3.DequantizeBlock(source.Slice(b * ScaleBlock, ScaleBlock), source[_nope + b] - 127, row.Slice(b * ScaleBlock, ScaleBlock));
        FloatFormats.DecodeBF16(source.Slice(_ropeOffset, 2 * (Dim - _nope)), row[_nope..Dim]);
    }
}
