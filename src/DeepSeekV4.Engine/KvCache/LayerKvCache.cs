namespace DeepSeekV4.Engine.KvCache;

/// <summary>
/// One layer's share of a sequence's cache: the window ring, and for compressed layers the compressed entries,
/// the compressor state, and (CSA) the indexer keys and the indexer compressor's state. <see cref="Length"/> counts
/// the tokens this layer has processed (layers advance one after another during a forward pass).
/// </summary>
public sealed class LayerKvCache
{
    private Backup? _backup;

    internal LayerKvCache(int layer, KvCacheGeometry geometry, int contextLength, KvRowCodec kv, KvRowCodec? indexer)
    {
        Layer = layer;
        Ratio = geometry.CompressRatios[layer];
        Window = geometry.Window;
        WindowRing = new KvRowRing(geometry.WindowRingRows, kv.RowBytes);
        if (Ratio > 0)
        {
            int maxEntries = contextLength / Ratio;
            Compressed = new KvRowPages(kv.RowBytes, Math.Max(1, maxEntries));
            Compressor = new CompressorStateRing(geometry.CompressorRingRows(Ratio), KvCacheGeometry.CompressorWidth(Ratio, geometry.HeadDim));
            if (Ratio == 4)
            {
                if (indexer is null) throw new ArgumentNullException(nameof(indexer), "a CSA layer needs an indexer-key codec");
                IndexerKeys = new KvRowPages(indexer.RowBytes, Math.Max(1, maxEntries));
                IndexerCompressor = new CompressorStateRing(geometry.CompressorRingRows(Ratio), KvCacheGeometry.CompressorWidth(Ratio, geometry.IndexerHeadDim));
            }
        }
    }

    private LayerKvCache(LayerKvCache source)
    {
        Layer = source.Layer;
        Ratio = source.Ratio;
        Window = source.Window;
        Length = source.Length;
        WindowRing = source.WindowRing.Clone();
        Compressed = source.Compressed?.Clone();
        Compressor = source.Compressor?.Clone();
        IndexerKeys = source.IndexerKeys?.Clone();
        IndexerCompressor = source.IndexerCompressor?.Clone();
    }

    public int Layer { get; }
    /// <summary>0 window only, 4 CSA, 128 HCA.</summary>
    public int Ratio { get; }
    public int Window { get; }
    public int Length { get; private set; }
    public KvRowRing WindowRing { get; }
    public KvRowPages? Compressed { get; }
    public CompressorStateRing? Compressor { get; }
    public KvRowPages? IndexerKeys { get; }
    public CompressorStateRing? IndexerCompressor { get; }

    /// <summary>Window rows held: the last min(Length, ring rows) positions.</summary>
    public int WindowRowsHeld => Math.Min(Length, WindowRing.Rows);

    public long ReservedBytes => WindowRing.ReservedBytes + (Compressed?.ReservedBytes ?? 0) + (Compressor?.ReservedBytes ?? 0)
                                + (IndexerKeys?.ReservedBytes ?? 0) + (IndexerCompressor?.ReservedBytes ?? 0);

    /// <summary>What this layer holds: window rows written, entries and indexer keys appended, compressor state taken.</summary>
    public KvCacheLayerStatistics GetStatistics()
    {
        int windowRows = WindowRing.ReservedBytes > 0 ? WindowRowsHeld : 0;
        return new KvCacheLayerStatistics(Layer, Ratio, windowRows, Compressed?.Count ?? 0, (long)windowRows * WindowRing.RowBytes,
            Compressed?.BytesInUse ?? 0, IndexerKeys?.BytesInUse ?? 0, (Compressor?.ReservedBytes ?? 0) + (IndexerCompressor?.ReservedBytes ?? 0));
    }

    /// <summary>Marks one more token processed by this layer.</summary>
    public void Advance() => Length++;

    /// <summary>
    /// Whether this layer's state at <paramref name="length"/> tokens can be rebuilt from what it holds: the window
    /// rows the next token would attend to, and the compressor rows of the partial block (and, for ratio 4, of the
    /// previous block) must still be in their rings. Compressed entries are append-only and always cut back.
    /// </summary>
    public bool CanTruncateTo(int length) =>
        KvTruncation.CanCutBack(Length, length, Window, WindowRing.Rows, Ratio, Compressor?.Rows ?? 0);

    public void TruncateTo(int length)
    {
        if (!CanTruncateTo(length))
            throw new InvalidOperationException($"layer {Layer} cannot be cut back from {Length} to {length} tokens: its window or compressor rows for that point are no longer held");
        Length = length;
        if (Ratio > 0)
        {
            Compressed!.TruncateTo(Math.Min(Compressed.Count, length / Ratio));
            IndexerKeys?.TruncateTo(Math.Min(IndexerKeys.Count, length / Ratio));
        }
    }

    /// <summary>Saves the rings (window and compressor states) so that a failed multi-token pass can be undone.</summary>
    internal void SaveRings()
    {
        _backup ??= new Backup();
        _backup.Length = Length;
        WindowRing.CopyTo(ref _backup.Window);
        Compressor?.CopyTo(ref _backup.Values, ref _backup.Logits);
        IndexerCompressor?.CopyTo(ref _backup.IndexerValues, ref _backup.IndexerLogits);
    }

    /// <summary>Restores the rings saved by <see cref="SaveRings"/> and cuts the entries back to that length.</summary>
    internal void RestoreRings()
    {
        if (_backup is null) throw new InvalidOperationException($"layer {Layer}: no saved state to restore");
        WindowRing.CopyFrom(_backup.Window);
        Compressor?.CopyFrom(_backup.Values, _backup.Logits);
        IndexerCompressor?.CopyFrom(_backup.IndexerValues, _backup.IndexerLogits);
        Length = _backup.Length;
        if (Ratio > 0)
        {
            Compressed!.TruncateTo(Math.Min(Compressed.Count, Length / Ratio));
            IndexerKeys?.TruncateTo(Math.Min(IndexerKeys.Count, Length / Ratio));
        }
    }

    internal LayerKvCache Clone() => new(this);

    private sealed class Backup
    {
        public int Length;
        public byte[]? Window;
        public float[]? Values, Logits, IndexerValues, IndexerLogits;
    }
}
