using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>
/// The shape of one stored cache row as the device kernels see it: values per row, the rotary tail (the native K=V
/// format stores it as BF16), and stored bytes per row — taken from the CPU codecs so both sides share one layout.
/// </summary>
public struct KvRowShape
{
    public int Dim;
    public int RopeDim;
    public int RowBytes;

    /// <summary>The K=V rows (window and compressed entries) of <paramref name="format"/>.</summary>
    public static KvRowShape ForKv(KvCacheFormat format, int headDim, int ropeDim) =>
        new() { Dim = headDim, RopeDim = ropeDim, RowBytes = KvRowCodec.KvRowBytes(format, headDim, ropeDim) };

    /// <summary>The lightning indexer's keys of <paramref name="format"/>.</summary>
    public static KvRowShape ForIndexerKey(KvCacheFormat format, int dim) =>
        new() { Dim = dim, RopeDim = 0, RowBytes = KvRowCodec.IndexerKeyBytes(format, dim) };

    public readonly override string ToString() => $"{Dim} values ({RopeDim} rotary) in {RowBytes} bytes";
}
