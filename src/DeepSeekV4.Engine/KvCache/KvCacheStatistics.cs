namespace DeepSeekV4.Engine.KvCache;

/// <summary>Statistics of one sequence's KV cache (what Get-DSKvCacheStats shows).</summary>
public sealed record KvCacheStatistics(
    KvCacheFormat Format,
    int Tokens,
    int ContextLength,
    long WindowBytes,
    long CsaEntryBytes,
    long IndexerKeyBytes,
    long HcaEntryBytes,
    long CompressorStateBytes,
    long ReservedBytes,
    IReadOnlyList<KvCacheLayerStatistics> Layers,
    long UncompressedMhaBytes,
    long Gqa8Bytes,
    long MlaBytes)
{
    /// <summary>Bytes in use across components.</summary>
    public long TotalBytes => WindowBytes + CsaEntryBytes + IndexerKeyBytes + HcaEntryBytes + CompressorStateBytes;

    public double BytesPerToken => Tokens == 0 ? 0 : (double)TotalBytes / Tokens;
}

/// <summary>One layer's share of the cache. CompressRatio is 0 (window only), 4 (CSA) or 128 (HCA).</summary>
public sealed record KvCacheLayerStatistics(
    int Layer,
    int CompressRatio,
    int WindowTokens,
    int CompressedEntries,
    long WindowBytes,
    long CompressedBytes,
    long IndexerKeyBytes,
    long CompressorStateBytes)
{
    public long TotalBytes => WindowBytes + CompressedBytes + IndexerKeyBytes + CompressorStateBytes;
}
