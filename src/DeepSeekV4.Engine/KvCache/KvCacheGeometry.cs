namespace DeepSeekV4.Engine.KvCache;

/// <summary>
/// What a DeepSeek V4 KV cache holds per layer, independent of any weights: the single shared K=V head
/// (<see cref="HeadDim"/> values, the last <see cref="RopeDim"/> rotary), the sliding window, each layer's compression
/// ratio (0 window only, 4 CSA with indexer keys of <see cref="IndexerHeadDim"/> values, 128 HCA), and the truncation
/// slack: how many extra window rows and compressor rows a sequence keeps so that it can be cut back by that many
/// tokens (see <see cref="SequenceKvCache.CanTruncateTo"/>).
/// </summary>
public sealed record KvCacheGeometry(
    int HeadCount,
    int HeadDim,
    int RopeDim,
    int IndexerHeadDim,
    int Window,
    IReadOnlyList<int> CompressRatios,
    int TruncationSlack = KvCacheGeometry.DefaultTruncationSlack)
{
    public const int DefaultTruncationSlack = 128;

    public int LayerCount => CompressRatios.Count;
    public int NopeDim => HeadDim - RopeDim;

    /// <summary>Rows of the window ring: the window plus the truncation slack.</summary>
    public int WindowRingRows => Window + TruncationSlack;

    /// <summary>Width of a compressor's (u, g) rows: 2·d for the overlapping ratio-4 compressor, d otherwise.</summary>
    public static int CompressorWidth(int ratio, int dim) => ratio == 4 ? 2 * dim : dim;

    /// <summary>Rows of a compressor's state ring: the rows one entry pools (2·4 overlapping, 128 plain) plus the slack.</summary>
    public int CompressorRingRows(int ratio) => (ratio == 4 ? 2 * ratio : ratio) + TruncationSlack;
}
