using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.KvCache;

/// <summary>A cached row stored whole in a ggml tensor type: F32, F16, BF16, Q8_0 or Q4_0.</summary>
public sealed class GgmlKvRowCodec : KvRowCodec
{
    private readonly GgmlType _type;

    public GgmlKvRowCodec(KvCacheFormat format, int dim) : base(format, dim, BytesPerRow(format, dim)) => _type = TypeOf(format);

    public static GgmlType TypeOf(KvCacheFormat format) => format switch
    {
        KvCacheFormat.F32 => GgmlType.F32,
        KvCacheFormat.F16 => GgmlType.F16,
        KvCacheFormat.BF16 => GgmlType.BF16,
        KvCacheFormat.Q8_0 => GgmlType.Q8_0,
        KvCacheFormat.Q4_0 => GgmlType.Q4_0,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not a ggml row format"),
    };

    public static int BytesPerRow(KvCacheFormat format, int dim)
    {
        var info = GgmlTypeInfo.Of(TypeOf(format));
        if (dim % info.BlockSize != 0) throw new ArgumentException($"{info.Name} rows need a multiple of {info.BlockSize} values, not {dim}");
        return checked((int)info.RowBytes(dim));
    }

    public override void Encode(ReadOnlySpan<float> row, Span<byte> destination) =>
        Quantizer.QuantizeRow(_type, row[..Dim], destination[..RowBytes]);

    public override void Decode(ReadOnlySpan<byte> source, Span<float> row) =>
        Dequantizer.DequantizeRow(_type, source[..RowBytes], row[..Dim]);
}
