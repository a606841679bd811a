namespace DeepSeekV4.Engine.KvCache;

/// <summary>
/// KV-cache sizes computed from the geometry alone (no weights, no sequence): what a sequence of a given length
/// holds by component and layer, the model's amortized bytes per token, and the uncompressed caches it is compared
/// with. <see cref="SequenceKvCache.GetStatistics"/> counts a live sequence's rows and sums them through the same
/// <see cref="Summarize"/>.
/// </summary>
public static class KvCacheSizing
{
    /// <summary>
    /// Bytes per token that grow with the sequence, ignoring the constant window and compressor state: every CSA
    /// layer adds one K=V row and one indexer key per 4 tokens, every HCA layer one K=V row per 128 tokens.
    /// Native V4-Flash: 21·(584 + 68)/4 + 20·584/128 = 3,514.25 B; V4-Pro: 30·(584 + 68)/4 + 31·584/128 = 5,031.4 B.
    /// </summary>
    public static double AmortizedBytesPerToken(KvCacheGeometry geometry, KvCacheFormat format)
    {
        int kv = KvRowCodec.KvRowBytes(format, geometry.HeadDim, geometry.RopeDim);
        double total = 0;
        foreach (int ratio in geometry.CompressRatios)
        {
            if (ratio == 4) total += (kv + KvRowCodec.IndexerKeyBytes(format, geometry.IndexerHeadDim)) / 4.0;
            else if (ratio > 0) total += kv / (double)ratio;
        }
        return total;
    }

    /// <summary>The statistics a sequence of <paramref name="tokens"/> tokens would hold, by formula (for estimates);
    /// reserved bytes are estimated (rings and states taken, whole pages) unless given. A live sequence reports what it
    /// holds instead (<see cref="SequenceKvCache.GetStatistics"/>).</summary>
    public static KvCacheStatistics Describe(KvCacheGeometry geometry, KvCacheFormat format, int tokens, int contextLength, long? reservedBytes = null)
    {
        int kv = KvRowCodec.KvRowBytes(format, geometry.HeadDim, geometry.RopeDim);
        bool anyCsa = geometry.CompressRatios.Contains(4);
        int idx = anyCsa ? KvRowCodec.IndexerKeyBytes(format, geometry.IndexerHeadDim) : 0;
        var layers = new KvCacheLayerStatistics[geometry.LayerCount];
        long reserved = 0;
        for (int l = 0; l < layers.Length; l++)
        {
            int ratio = geometry.CompressRatios[l];
            int windowRows = Math.Min(tokens, geometry.WindowRingRows);
            int entries = ratio > 0 ? tokens / ratio : 0;
            long stateBytes = 0;
            if (ratio > 0 && tokens > 0)
            {
                stateBytes = CompressorStateRing.BytesFor(geometry.CompressorRingRows(ratio), KvCacheGeometry.CompressorWidth(ratio, geometry.HeadDim));
                if (ratio == 4)
                    stateBytes += CompressorStateRing.BytesFor(geometry.CompressorRingRows(ratio), KvCacheGeometry.CompressorWidth(ratio, geometry.IndexerHeadDim));
            }
            layers[l] = new KvCacheLayerStatistics(l, ratio, windowRows, entries, (long)windowRows * kv, (long)entries * kv,
                ratio == 4 ? (long)entries * idx : 0, stateBytes);
            if (tokens > 0)
            {
                reserved += (long)geometry.WindowRingRows * kv + stateBytes;
                if (ratio > 0)
                {
                    int maxEntries = Math.Max(1, contextLength / ratio);
                    int pageRows = Math.Min(KvRowPages.DefaultPageRows, maxEntries);
                    long pages = (entries + pageRows - 1) / pageRows;
                    reserved += pages * pageRows * (kv + (ratio == 4 ? idx : 0));
                }
            }
        }
        return Summarize(geometry, format, tokens, contextLength, layers, reservedBytes ?? reserved);
    }

    /// <summary>
    /// Totals by component, the comparison caches and the amortized rate for a sequence whose layers hold
    /// <paramref name="layers"/>: the one place both the estimate and a live sequence's report are summed.
    /// </summary>
    public static KvCacheStatistics Summarize(KvCacheGeometry geometry, KvCacheFormat format, int tokens, int contextLength,
        KvCacheLayerStatistics[] layers, long reservedBytes)
    {
        long window = 0, csa = 0, hca = 0, indexer = 0, state = 0;
        foreach (var layer in layers)
        {
            window += layer.WindowBytes;
            if (layer.CompressRatio == 4) csa += layer.CompressedBytes;
            else hca += layer.CompressedBytes;
            indexer += layer.IndexerKeyBytes;
            state += layer.CompressorStateBytes;
        }
        int n = geometry.LayerCount;
        return new KvCacheStatistics(format, tokens, contextLength, window, csa, indexer, hca, state, reservedBytes, layers,
            UncompressedMhaBytes: (long)tokens * n * geometry.HeadCount * 2L * geometry.HeadDim * 2,
            Gqa8Bytes: (long)tokens * n * 8 * 2L * ComparisonGqaHeadDim * 2,
            MlaBytes: (long)tokens * n * (geometry.HeadDim + geometry.RopeDim) * 2L)
        {
            AmortizedBytesPerToken = AmortizedBytesPerToken(geometry, format),
        };
    }

    /// <summary>Head size of the GQA-8 comparison cache (the common GQA layout the V4 paper compares with).</summary>
    public const int ComparisonGqaHeadDim = 128;
}
