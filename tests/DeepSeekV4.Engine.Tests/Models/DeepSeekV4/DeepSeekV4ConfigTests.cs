using global::DeepSeekV4.Engine.Gguf;
using global::DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

public class DeepSeekV4ConfigTests
{
    [Fact]
    public void TinyGgufGivesTheManifestConfiguration()
    {
        using var file = GgufFile.Open(TinyReference.F16Path);
        var c = DeepSeekV4Config.FromGguf(file);
        // Values from manifest.json → models[0].config.
        Assert.Equal((512, 128, 6, 0), (c.VocabSize, c.HiddenSize, c.LayerCount, c.MtpLayerCount));
        Assert.Equal([0, 0, 4, 128, 4, 128], c.CompressRatios);
        Assert.Equal((4, 128, 64, 64), (c.HeadCount, c.HeadDim, c.RopeDim, c.NopeDim));
        Assert.Equal((64, 2, 32, 128), (c.QLoraRank, c.OutputGroupCount, c.OutputLoraRank, c.SlidingWindow));
        Assert.Equal((16, 4, 1, 64, 3), (c.ExpertCount, c.ExpertUsedCount, c.SharedExpertCount, c.ExpertFeedForwardLength, c.HashLayerCount));
        Assert.Equal(1.5f, c.ExpertWeightsScale);
        Assert.True(c.ExpertWeightsNorm);
        Assert.All(c.SwigluClampExperts, v => Assert.Equal(10f, v));
        Assert.All(c.SwigluClampShared, v => Assert.Equal(10f, v));
        Assert.Equal((4, 128, 32), (c.IndexerHeadCount, c.IndexerHeadDim, c.IndexerTopK));
        Assert.Equal((4, 20, 1e-6f), (c.HyperConnectionCount, c.SinkhornIterations, c.HyperConnectionEps));
        Assert.Equal((10000f, 160000f, 16f, 65536), (c.RopeFreqBase, c.CompressRopeFreqBase, c.RopeScalingFactor, c.RopeOriginalContextLength));
        Assert.Equal((32f, 1f, 1e-6f), (c.YarnBetaFast, c.YarnBetaSlow, c.RmsNormEps));
        Assert.Equal(1024, c.ContextLength);
    }

    [Fact]
    public void FlashAndProPresetsFollowTheReferenceLayout()
    {
        // Reference §2.2: Flash L0–L1 window only, even layers CSA, odd HCA; Pro L0–L1 HCA, then the same pattern.
        var flash = DeepSeekV4Config.Flash;
        Assert.Equal((43, 4096, 64, 512, 1024), (flash.LayerCount, flash.HiddenSize, flash.HeadCount, flash.IndexerTopK, flash.QLoraRank));
        Assert.Equal((2, 21, 20), (flash.CompressRatios.Count(r => r == 0), flash.CompressRatios.Count(r => r == 4), flash.CompressRatios.Count(r => r == 128)));
        Assert.Equal([0, 0, 4, 128, 4], flash.CompressRatios.Take(5));
        var pro = DeepSeekV4Config.Pro;
        Assert.Equal((61, 7168, 128, 1024, 1536), (pro.LayerCount, pro.HiddenSize, pro.HeadCount, pro.IndexerTopK, pro.QLoraRank));
        Assert.Equal((0, 30, 31), (pro.CompressRatios.Count(r => r == 0), pro.CompressRatios.Count(r => r == 4), pro.CompressRatios.Count(r => r == 128)));
        Assert.Equal([128, 128, 4, 128, 4], pro.CompressRatios.Take(5));
        Assert.Equal((256, 384, 1.5f, 2.5f), (flash.ExpertCount, pro.ExpertCount, flash.ExpertWeightsScale, pro.ExpertWeightsScale));
    }

    [Fact]
    public void ValidationNamesTheKeyAndTheValue()
    {
        var flash = DeepSeekV4Config.Flash;
        var e = Assert.Throws<UnsupportedModelException>(() => (flash with { CompressRatios = [.. flash.CompressRatios.Take(42), 3] }).Validate());
        Assert.Equal("deepseek4.attention.compress_ratios[42]", e.Field);
        Assert.Equal("3", e.Value);
        e = Assert.Throws<UnsupportedModelException>(() => (flash with { OutputGroupCount = 7 }).Validate());
        Assert.Equal("deepseek4.attention.output_group_count", e.Field);
        Assert.Contains("64", e.Message);
        e = Assert.Throws<UnsupportedModelException>(() => (flash with { ExpertUsedCount = 300 }).Validate());
        Assert.Equal("deepseek4.expert_used_count", e.Field);
        e = Assert.Throws<UnsupportedModelException>(() => (flash with { IndexerHeadDim = 96 }).Validate());
        Assert.Equal("deepseek4.attention.indexer.key_length", e.Field);
    }

    [Theory]
    [InlineData("general.architecture", "llama")]
    [InlineData("deepseek4.expert_gating_func", 2u)]
    [InlineData("deepseek4.attention.head_count_kv", 4u)]
    [InlineData("deepseek4.leading_dense_block_count", 1u)]
    [InlineData("deepseek4.rope.scaling.type", "linear")]
    [InlineData("deepseek4.embedding_length", "wide")]
    public void UnsupportedMetadataIsRefusedNamingTheKey(string key, object value)
    {
        using var file = TinyGgufVariants.Build(m => m[key] = GgufMetadataValue.From(value));
        var e = Assert.Throws<UnsupportedModelException>(() => DeepSeekV4Config.FromGguf(file));
        Assert.Equal(key, e.Field);
        Assert.Contains("variant.gguf", e.Message);
    }

    [Fact]
    public void MissingKeysAndShortLayerArraysAreRefused()
    {
        using (var file = TinyGgufVariants.Build(m => m.Remove("deepseek4.attention.q_lora_rank")))
            Assert.Equal("deepseek4.attention.q_lora_rank", Assert.Throws<UnsupportedModelException>(() => DeepSeekV4Config.FromGguf(file)).Field);
        using (var file = TinyGgufVariants.Build(m => m["deepseek4.attention.compress_ratios"] = GgufMetadataValue.From(new[] { 0, 0, 4 })))
        {
            var e = Assert.Throws<UnsupportedModelException>(() => DeepSeekV4Config.FromGguf(file));
            Assert.Equal("deepseek4.attention.compress_ratios", e.Field);
            Assert.Contains("block_count = 6", e.Message);
        }
    }

    [Fact]
    public void CompressRatiosAsUInt32AndAScalarClampAreAccepted()
    {
        using var file = TinyGgufVariants.Build(m =>
        {
            m["deepseek4.attention.compress_ratios"] = GgufMetadataValue.From(new uint[] { 0, 0, 4, 128, 4, 128 });
            m["deepseek4.swiglu_clamp_exp"] = GgufMetadataValue.From(7.5f);
            m.Remove("deepseek4.swiglu_clamp_shexp");
        });
        var c = DeepSeekV4Config.FromGguf(file);
        Assert.Equal([0, 0, 4, 128, 4, 128], c.CompressRatios);
        Assert.All(c.SwigluClampExperts, v => Assert.Equal(7.5f, v));
        Assert.All(c.SwigluClampShared, v => Assert.Equal(7.5f, v));   // llama.cpp: the shared clamp defaults to the routed one
    }
}
