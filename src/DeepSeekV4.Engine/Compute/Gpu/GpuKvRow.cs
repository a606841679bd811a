using DeepSeekV4.Engine.Compute.Gpu.Attention;
using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>A kind of stored cache row on the device: the cache format, its device format, and the row's shape.</summary>
public sealed record GpuKvRow(KvCacheFormat CacheFormat, GpuKvRowFormat Format, KvRowShape Shape)
{
    /// <summary>The K=V rows (window and compressed entries) of a cache in <paramref name="format"/>.</summary>
    public static GpuKvRow ForKv(KvCacheFormat format, int headDim, int ropeDim) =>
        new(format, GpuKvRowFormat.ForKv(format), KvRowShape.ForKv(format, headDim, ropeDim));

    /// <summary>The lightning indexer's keys of a cache in <paramref name="format"/>.</summary>
    public static GpuKvRow ForIndexerKey(KvCacheFormat format, int dim) =>
        new(format, GpuKvRowFormat.ForIndexerKey(format), KvRowShape.ForIndexerKey(format, dim));

    public int Dim => Shape.Dim;
    public int RowBytes => Shape.RowBytes;

    public override string ToString() => $"{CacheFormat} ({Format.Name}) rows of {Shape}";
}
