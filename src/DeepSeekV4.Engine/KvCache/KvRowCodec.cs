namespace DeepSeekV4.Engine.KvCache;

/// <summary>
/// Encodes one cached row (a K=V vector or an indexer key) into its stored bytes and back. One codec per
/// component and format; rows are fixed-size so stores can address them by index.
/// </summary>
public abstract class KvRowCodec
{
    protected KvRowCodec(KvCacheFormat format, int dim, int rowBytes)
    {
        Format = format;
        Dim = dim;
        RowBytes = rowBytes;
    }

    public KvCacheFormat Format { get; }

    /// <summary>Values per row.</summary>
    public int Dim { get; }

    /// <summary>Stored bytes per row.</summary>
    public int RowBytes { get; }

    public abstract void Encode(ReadOnlySpan<float> row, Span<byte> destination);

    public abstract void Decode(ReadOnlySpan<byte> source, Span<float> row);

    /// <summary>The codec of the attention K=V rows (window and compressed entries).</summary>
    public static KvRowCodec ForKv(KvCacheFormat format, int headDim, int ropeDim) => format == KvCacheFormat.Native
        ? new NativeKvRowCodec(headDim, ropeDim)
        : new GgmlKvRowCodec(format, headDim);

    /// <summary>The codec of the lightning indexer's compressed keys.</summary>
    public static KvRowCodec ForIndexerKey(KvCacheFormat format, int dim) => format == KvCacheFormat.Native
        ? new NativeIndexerKeyCodec(dim)
        : new GgmlKvRowCodec(format, dim);

    /// <summary>Stored bytes of a K=V row without building a codec.</summary>
    public static int KvRowBytes(KvCacheFormat format, int headDim, int ropeDim) => format == KvCacheFormat.Native
        ? NativeKvRowCodec.BytesPerRow(headDim, ropeDim)
        : GgmlKvRowCodec.BytesPerRow(format, headDim);

    /// <summary>Stored bytes of an indexer key without building a codec.</summary>
    public static int IndexerKeyBytes(KvCacheFormat format, int dim) => format == KvCacheFormat.Native
        ? NativeIndexerKeyCodec.BytesPerRow(dim)
        : GgmlKvRowCodec.BytesPerRow(format, dim);
}
