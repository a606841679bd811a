using System.Globalization;
using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.Engine.KvCache;

/// <summary>
/// Statistics of one sequence's KV cache (what Get-DSKvCacheStats shows). Byte counts are what the rows held take
/// (window rows held, compressed entries, indexer keys, compressor state); <see cref="ReservedBytes"/> is the memory
/// taken, including unused page space. The comparisons are for the same token count and layer count, BF16:
/// <see cref="UncompressedMhaBytes"/> every head's K and V (heads × 2 × head_dim), <see cref="Gqa8Bytes"/> 8 KV heads
/// of 128 dims (K and V), <see cref="MlaBytes"/> a DeepSeek-V3-style latent (head_dim + rope dims).
/// </summary>
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

    /// <summary>Where the cache lives: "cpu", "cuda:0", "simulator:0", …</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Bytes per token that grow with the sequence (compressed entries and indexer keys, constant parts excluded).</summary>
    public double AmortizedBytesPerToken { get; init; }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Tokens:N0} tokens, {ByteSize.Format(TotalBytes)} as {Format} ({BytesPerToken:N0} bytes/token)");

    /// <summary>The report of a sequence that does not exist yet: nothing held, no layers listed.</summary>
    public static KvCacheStatistics Empty(KvCacheFormat format, int contextLength) =>
        new(format, 0, contextLength, 0, 0, 0, 0, 0, 0, [], 0, 0, 0);
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

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"layer {Layer}: {WindowTokens:N0} window tokens, {CompressedEntries:N0} entries, {ByteSize.Format(TotalBytes)}");
}
