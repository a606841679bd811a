using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Inference;

/// <summary>One cached sequence of a model in a session, with the statistics of its KV cache.</summary>
public sealed record KvCacheReport(string Model, string Sequence, KvCacheStatistics Statistics)
{
    public KvCacheFormat Format => Statistics.Format;
    public int Tokens => Statistics.Tokens;
    public int ContextLength => Statistics.ContextLength;
    public long TotalBytes => Statistics.TotalBytes;
    public double BytesPerToken => Statistics.BytesPerToken;
    public long WindowBytes => Statistics.WindowBytes;
    public long CsaEntryBytes => Statistics.CsaEntryBytes;
    public long IndexerKeyBytes => Statistics.IndexerKeyBytes;
    public long HcaEntryBytes => Statistics.HcaEntryBytes;
    public long CompressorStateBytes => Statistics.CompressorStateBytes;
    public long ReservedBytes => Statistics.ReservedBytes;
    public long UncompressedMhaBytes => Statistics.UncompressedMhaBytes;
    public long Gqa8Bytes => Statistics.Gqa8Bytes;
    public long MlaBytes => Statistics.MlaBytes;

    /// <summary>How many times smaller than an uncompressed multi-head cache of the same model (0 when empty).</summary>
    public double SmallerThanMha => Ratio(UncompressedMhaBytes);

    public double SmallerThanGqa8 => Ratio(Gqa8Bytes);

    public double SmallerThanMla => Ratio(MlaBytes);

    /// <summary>This cache against an uncompressed multi-head cache of the same model: "3.2x smaller", "1.5x larger" or "same size".</summary>
    public string VersusMha => SizeComparison.Describe(TotalBytes, UncompressedMhaBytes);

    /// <summary>This cache against a GQA cache with 8 KV heads of 128 dims, in words (see <see cref="VersusMha"/>).</summary>
    public string VersusGqa8 => SizeComparison.Describe(TotalBytes, Gqa8Bytes);

    /// <summary>This cache against a DeepSeek-V3-style MLA latent cache, in words (see <see cref="VersusMha"/>).</summary>
    public string VersusMla => SizeComparison.Describe(TotalBytes, MlaBytes);

    public IReadOnlyList<KvCacheLayerReport> Layers =>
        [.. Statistics.Layers.Select(l => new KvCacheLayerReport(Model, Sequence, l))];

    private double Ratio(long other) => TotalBytes == 0 ? 0 : (double)other / TotalBytes;

    public override string ToString() => $"{Model} / {Sequence}: {Statistics}";
}

/// <summary>One layer's share of a cached sequence.</summary>
public sealed record KvCacheLayerReport(string Model, string Sequence, KvCacheLayerStatistics Statistics)
{
    public int Layer => Statistics.Layer;

    /// <summary>"window" (sliding window only), "CSA" (ratio 4) or "HCA" (ratio 128).</summary>
    public string Attention => Statistics.CompressRatio switch { 0 => "window", 4 => "CSA", 128 => "HCA", int r => $"ratio {r}" };

    public int CompressRatio => Statistics.CompressRatio;
    public int WindowTokens => Statistics.WindowTokens;
    public int CompressedEntries => Statistics.CompressedEntries;
    public long WindowBytes => Statistics.WindowBytes;
    public long CompressedBytes => Statistics.CompressedBytes;
    public long IndexerKeyBytes => Statistics.IndexerKeyBytes;
    public long CompressorStateBytes => Statistics.CompressorStateBytes;
    public long TotalBytes => Statistics.TotalBytes;

    public override string ToString() => $"{Model} / {Sequence} layer {Layer} ({Attention}): {ByteSize.Format(TotalBytes)}";
}
