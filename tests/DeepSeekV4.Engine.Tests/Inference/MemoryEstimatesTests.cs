using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Tests.Inference;

public class MemoryEstimatesTests
{
    private const int OneMillion = 1 << 20;

    [Fact]
    public void Flash_native_cache_at_1m_tokens_has_the_papers_components()
    {
        // reference §7.2: 21 CSA layers with a 584-byte K=V row and a 68-byte indexer key per 4 tokens, 20 HCA layers
        // with a 584-byte row per 128 tokens
        var e = MemoryEstimates.ForBuiltIn("V4-Flash", OneMillion, KvCacheFormat.Native, availableBytes: 48L << 30);
        long Component(string name) => e.KvCache.Single(c => c.Name == name).Bytes;
        Assert.Equal(21L * (OneMillion / 4) * 584, Component("CSA entries"));
        Assert.Equal(21L * (OneMillion / 4) * 68, Component("indexer keys"));
        Assert.Equal(20L * (OneMillion / 128) * 584, Component("HCA entries"));
        Assert.InRange(e.KvCacheBytes / (double)(1L << 30), 3.43, 3.5);
    }

    [Fact]
    public void Built_in_parameter_counts_match_the_published_sizes()
    {
        // reference §1: V4-Flash 284B parameters, V4-Pro 1.6T (the MTP block is not counted here)
        var flash = MemoryEstimates.ForBuiltIn("V4-Flash", 4096, KvCacheFormat.Native, 1);
        var pro = MemoryEstimates.ForBuiltIn("v4-pro", 4096, KvCacheFormat.Native, 1);
        Assert.InRange(flash.Weights.Sum(w => w.Bytes) / 1.0625, 270e9, 300e9);
        Assert.InRange(pro.Weights.Sum(w => w.Bytes) / 1.0625, 1.5e12, 1.7e12);
    }

    [Fact]
    public void Flash_in_q8_0_does_not_fit_in_48_gib()
    {
        var e = MemoryEstimates.ForBuiltIn("V4-Flash", OneMillion, KvCacheFormat.Native, availableBytes: 48L << 30);
        Assert.False(e.Fits);
        Assert.Contains("48 GiB is available", e.Describe());
    }

    [Fact]
    public void Unknown_names_are_refused()
    {
        Assert.Throws<ArgumentException>(() => MemoryEstimates.ForBuiltIn("V3", null, KvCacheFormat.Native, 1));
    }
}
