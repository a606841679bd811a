using DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4.Synthetic;

public class SyntheticTensorPlanTests
{
    [Theory]
    [InlineData("q8_0")]
    [InlineData("ds4-q2")]
    [InlineData("f16")]
    public void BenchPresetHasTheRealFlashShapesWithFourLayersAndSixteenExperts(string mix)
    {
        var expected = ExpectedDeepSeekV4Tensors.Shapes(DeepSeekV4Numbers.FlashBench());
        var plan = SyntheticTensorPlan.Build(SyntheticModelSpec.ForPreset(SyntheticPreset.Bench), SyntheticWeightMixes.Parse(mix));

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), plan.Select(t => t.Name).Order(StringComparer.Ordinal));
        foreach (var t in plan)
        {
            var (kind, shape) = expected[t.Name];
            Assert.Equal(shape, t.Dimensions);
            // At Flash's sizes every row is a multiple of 256, so no tensor falls back from the mix's type.
            Assert.True(ExpectedDeepSeekV4Tensors.WantedType(mix, kind) == t.Type, $"{t.Name}: {t.Type}");
        }
    }

    [Fact]
    public void BenchQ8ModelReadsAboutOnePointEightGigabytesOfWeightsPerToken()
    {
        // The orientation figure for the q8_0 bench model: 1.8 GB read per generated token. Dense weights
        // (all but the embedding lookup) plus 6 of 16 experts, at 34 bytes per 32 weights.
        var plan = SyntheticTensorPlan.Build(SyntheticModelSpec.ForPreset(SyntheticPreset.Bench), SyntheticWeightMix.Q8_0);
        double perToken = plan.Where(t => t.Name != "token_embd.weight")
            .Sum(t => t.Name.Contains("_exps.") ? t.ByteSize * 6.0 / 16 : t.ByteSize);
        Assert.InRange(perToken, 1.7e9, 1.9e9);
    }

    [Theory]
    [InlineData(SyntheticPreset.Flash, 43, 256, 6, 2, 21, 20)]
    [InlineData(SyntheticPreset.Pro, 61, 384, 6, 0, 30, 31)]
    public void FlashAndProPresetsKeepTheRealLayerLayout(SyntheticPreset preset, int layers, int experts, int used, int window, int csa, int hca)
    {
        var spec = SyntheticModelSpec.ForPreset(preset);
        Assert.Equal(layers, spec.LayerCount);
        Assert.Equal(experts, spec.ExpertCount);
        Assert.Equal(used, spec.ExpertUsedCount);
        Assert.Equal(window, spec.CompressRatios.Count(r => r == 0));
        Assert.Equal(csa, spec.CompressRatios.Count(r => r == 4));
        Assert.Equal(hca, spec.CompressRatios.Count(r => r == 128));
        // Reference §2.2: from layer 2 on, even layers are CSA and odd layers HCA.
        for (int l = 2; l < layers; l++) Assert.Equal(l % 2 == 0 ? 4 : 128, spec.CompressRatios[l]);
    }

    [Fact]
    public void LayerAndExpertCountsAreReplacedAndTheShapesKept()
    {
        var spec = SyntheticModelSpec.ForPreset(SyntheticPreset.Pro, layers: 3, experts: 8);
        Assert.Equal([128, 128, 4], spec.CompressRatios);
        Assert.Equal(8, spec.ExpertCount);
        Assert.Equal(7168, spec.EmbeddingLength);
        Assert.Equal(1536, spec.QLoraRank);
        var plan = SyntheticTensorPlan.Build(spec, SyntheticWeightMix.F16);
        Assert.Equal(new long[] { 7168, 3072, 8 }, plan.Single(t => t.Name == "blk.2.ffn_up_exps.weight").Dimensions);
        Assert.Equal(new long[] { 128L * 512 / 16, 16 * 1024 }, plan.Single(t => t.Name == "blk.0.attn_output_a.weight").Dimensions);
        Assert.Equal(GgmlType.F16, plan.Single(t => t.Name == "blk.2.indexer.attn_q_b.weight").Type);
    }

    [Theory]
    [InlineData(0, null, "layer count")]
    [InlineData(null, 0, "expert count")]
    public void ImpossibleCountsAreRefusedWithTheValue(int? layers, int? experts, string named)
    {
        var e = Assert.Throws<ArgumentException>(() => SyntheticModelSpec.ForPreset(SyntheticPreset.Bench, layers, experts));
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void FewerExpertsThanTheUsualTopKUseThemAll()
    {
        var spec = SyntheticModelSpec.ForPreset(SyntheticPreset.Flash, layers: 2, experts: 3);
        Assert.Equal(3, spec.ExpertUsedCount);
        Assert.Equal(2, spec.HashLayerCount);
    }
}
