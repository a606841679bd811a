using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.KvCache;

public class KvCacheSizingTests
{
    [Fact]
    public void FlashNativeBytesPerTokenMatchReference()
    {
        // Reference §7.2: 21 CSA layers · (584 + 68) / 4 + 20 HCA layers · 584 / 128 = 3,514.25 B/token.
        var g = DeepSeekV4Config.Flash.ToKvCacheGeometry();
        Assert.Equal(21 * (584 + 68) / 4.0 + 20 * 584 / 128.0, KvCacheSizing.AmortizedBytesPerToken(g, KvCacheFormat.Native), 6);
        Assert.Equal(3514, Math.Round(KvCacheSizing.AmortizedBytesPerToken(g, KvCacheFormat.Native)));
        // 3.43 GiB at 1M tokens: CSA main 2.99 + indexer 0.35 + HCA 0.09 GiB.
        var s = KvCacheSizing.Describe(g, KvCacheFormat.Native, 1 << 20, 1 << 20);
        Assert.Equal(2.99, s.CsaEntryBytes / (double)(1L << 30), 2);
        Assert.Equal(0.35, s.IndexerKeyBytes / (double)(1L << 30), 2);
        Assert.Equal(0.09, s.HcaEntryBytes / (double)(1L << 30), 2);
        Assert.Equal(3514.25, s.AmortizedBytesPerToken, 6);
    }

    [Fact]
    public void ProNativeBytesPerTokenMatchReference()
    {
        // Reference §7.2: 30 · (584 + 68) / 4 + 31 · 584 / 128 = 5,031.4 B/token; at 1M: CSA main 4.28 + indexer 0.50 + HCA 0.14 GiB.
        var g = DeepSeekV4Config.Pro.ToKvCacheGeometry();
        Assert.Equal(30 * (584 + 68) / 4.0 + 31 * 584 / 128.0, KvCacheSizing.AmortizedBytesPerToken(g, KvCacheFormat.Native), 6);
        Assert.Equal(5031, Math.Round(KvCacheSizing.AmortizedBytesPerToken(g, KvCacheFormat.Native)));
        var s = KvCacheSizing.Describe(g, KvCacheFormat.Native, 1 << 20, 1 << 20);
        Assert.Equal(4.28, s.CsaEntryBytes / (double)(1L << 30), 2);
        Assert.Equal(0.50, s.IndexerKeyBytes / (double)(1L << 30), 2);
        Assert.Equal(0.14, s.HcaEntryBytes / (double)(1L << 30), 2);
    }

    [Fact]
    public void ComparisonCachesFollowTheirLayouts()
    {
        var g = DeepSeekV4Config.Pro.ToKvCacheGeometry();
        var s = KvCacheSizing.Describe(g, KvCacheFormat.Native, 1000, 1 << 20);
        Assert.Equal(1000L * 61 * 128 * 2 * 512 * 2, s.UncompressedMhaBytes);   // every head's K and V, BF16
        Assert.Equal(1000L * 61 * 8 * 2 * 128 * 2, s.Gqa8Bytes);                // reference §7.2: 244 GiB at 1M for Pro
        Assert.Equal(1000L * 61 * (512 + 64) * 2, s.MlaBytes);                  // V3-style latent + rope key, BF16
    }

    [Fact]
    public void StatisticsOfATinySequenceAddUpByLayer()
    {
        // Tiny: head 128 (64 FP8 + 2 scale bytes + 64·2 BF16 = 194 B), indexer 128 (68 B), ratios 0,0,4,128,4,128, slack 32.
        var g = new KvCacheGeometry(4, 128, 64, 128, 128, [0, 0, 4, 128, 4, 128], 32);
        var s = KvCacheSizing.Describe(g, KvCacheFormat.Native, 300, 1024);
        Assert.Equal(6 * 160 * 194L, s.WindowBytes);
        Assert.Equal(2 * 75 * 194L, s.CsaEntryBytes);
        Assert.Equal(2 * 75 * 68L, s.IndexerKeyBytes);
        Assert.Equal(2 * 2 * 194L, s.HcaEntryBytes);
        // CSA: main (8 + 32) rows × 256 × {u, g} + indexer the same; HCA: (128 + 32) × 128 × {u, g}; FP32.
        Assert.Equal(2 * (40 * 256 * 2 * 4L + 40 * 256 * 2 * 4L) + 2 * (160 * 128 * 2 * 4L), s.CompressorStateBytes);
        Assert.Equal(s.TotalBytes, s.Layers.Sum(l => l.TotalBytes));
        Assert.Equal(s.TotalBytes / 300.0, s.BytesPerToken);
    }
}
