using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Tests.KvCache;

public class SequenceKvCacheTests
{
    private static readonly KvCacheGeometry Tiny = new(4, 128, 64, 128, 128, [0, 4, 128], 32);

    [Fact]
    public void PagesAreTakenAsEntriesArrive()
    {
        var pages = new KvRowPages(rowBytes: 100, maxRows: 10_000, pageRows: 256);
        Assert.Equal(0, pages.ReservedBytes);
        pages.Append()[0] = 1;
        Assert.Equal(256 * 100, pages.ReservedBytes);
        for (int i = 1; i < 257; i++) pages.Append()[0] = (byte)i;
        Assert.Equal(2 * 256 * 100, pages.ReservedBytes);
        Assert.Equal(256 % 256, pages.Row(256)[0]);
        pages.TruncateTo(3);
        Assert.Equal(3, pages.Count);
        Assert.Equal(2 * 256 * 100, pages.ReservedBytes);   // kept for reuse
        Assert.Throws<ArgumentOutOfRangeException>(() => pages.Row(3));
    }

    [Fact]
    public void AFreshCacheHoldsNothing()
    {
        var cache = new SequenceKvCache(Tiny, KvCacheFormat.Native, 1 << 20);
        Assert.Equal(0, cache.ReservedBytes);
        var s = cache.GetStatistics();
        Assert.Equal((0, 0L, 0.0), (s.Tokens, s.TotalBytes, s.BytesPerToken));
        Assert.Equal(1 << 20, s.ContextLength);
    }

    [Fact]
    public void ForkedCachesShareNothing()
    {
        var cache = new SequenceKvCache(Tiny, KvCacheFormat.F32, 1024);
        var layer = cache[1];
        layer.WindowRing.RowForWrite(0)[0] = 42;
        layer.Compressed!.Append()[0] = 7;
        var copy = cache.Clone();
        layer.WindowRing.RowForWrite(0)[0] = 1;
        layer.Compressed.Append();
        Assert.Equal(42, copy[1].WindowRing.Row(0)[0]);
        Assert.Equal(1, copy[1].Compressed!.Count);
        Assert.Equal(7, copy[1].Compressed!.Row(0)[0]);
    }

    [Fact]
    public void StatisticsCountWhatTheLayersHoldNotWhatTheTokenCountImplies()
    {
        // Ten tokens, but only layer 0's window and one CSA entry (the formula says two) were written, and only the
        // CSA layer's compressor took its state: the report must show what is there.
        var cache = new SequenceKvCache(Tiny, KvCacheFormat.Native, 1024);
        cache.BeginPass(10);
        foreach (var layer in cache.Layers)
            for (int t = 0; t < 10; t++) layer.Advance();
        for (int t = 0; t < 10; t++) cache[0].WindowRing.RowForWrite(t);
        cache[1].Compressed!.Append();
        cache[1].IndexerKeys!.Append();
        cache[1].Compressor!.ValuesForWrite(0);
        cache[1].Compressor!.LogitsForWrite(0);
        cache.CommitPass();

        var s = cache.GetStatistics();
        int kv = cache.KvCodec.RowBytes, idx = cache.IndexerCodec!.RowBytes;
        long state = cache[1].Compressor!.ReservedBytes;
        Assert.Equal(10, s.Tokens);
        Assert.Equal(10L * kv, s.WindowBytes);
        Assert.Equal(1L * kv, s.CsaEntryBytes);
        Assert.Equal(1L * idx, s.IndexerKeyBytes);
        Assert.Equal(0, s.HcaEntryBytes);
        Assert.Equal(state, s.CompressorStateBytes);
        Assert.Equal([10, 0, 0], s.Layers.Select(l => l.WindowTokens));
        Assert.Equal([0, 1, 0], s.Layers.Select(l => l.CompressedEntries));
        Assert.Equal(10L * kv + kv + idx + state, s.TotalBytes);

        var formula = KvCacheSizing.Describe(Tiny, KvCacheFormat.Native, 10, 1024);
        Assert.Equal(2L * kv, formula.CsaEntryBytes);                     // what the old report said
        Assert.Equal(3 * 10L * kv, formula.WindowBytes);
    }
}
