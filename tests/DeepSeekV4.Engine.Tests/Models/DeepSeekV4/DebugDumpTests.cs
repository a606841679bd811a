using global::DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

/// <summary>Intermediate values against the reference's debug dumps (tolerances from the fixture README).</summary>
[Collection(TinyModelCollection.Name)]
public class DebugDumpTests(TinyModelFixture fixture)
{
    [Fact]
    public void HyperConnectionStatesAfterEveryBlockMatchTheReferenceForLen7()
    {
        var expected = TinyReference.ReadFloats("len7.debug.hc_state_after_block.f32.bin");   // [6, 7, 4, 128]
        var observer = Prefill("len7");
        int width = 4 * 128;
        for (int layer = 0; layer < 6; layer++)
            for (int p = 0; p < 7; p++)
                AssertClose(expected.AsSpan((layer * 7 + p) * width, width), observer.Blocks[(layer, p)], 1e-3f, $"layer {layer} position {p}");
    }

    [Fact]
    public void AttentionOutputOfLayer2MatchesTheReferenceForLen7()
    {
        var expected = TinyReference.ReadFloats("len7.debug.attn_out_before_wo_a.layer2.f32.bin");   // [7, 4, 128]
        var observer = Prefill("len7");
        for (int p = 0; p < 7; p++)
            AssertClose(expected.AsSpan(p * 512, 512), observer.Attention[(2, p)], 1e-4f, $"position {p}");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void IndexerScoresAndTopKMatchTheReferenceAtPosition299(int layer)
    {
        var expectedScores = TinyReference.ReadFloats($"len300.debug.indexer_scores.layer{layer}.f32.bin");
        var expectedTopK = TinyReference.ReadInts($"len300.debug.indexer_topk.layer{layer}.i32.bin");
        var observer = Prefill("len300");
        var (scores, selected) = observer.Indexer[(layer, 299)];
        Assert.Equal(75, scores.Length);
        AssertClose(expectedScores, scores, 1e-3f, $"layer {layer} scores");
        Assert.Equal(expectedTopK.OrderBy(i => i), selected.OrderBy(i => i));
    }

    private RecordingObserver Prefill(string caseName)
    {
        var c = TinyReference.Case(caseName);
        var observer = new RecordingObserver();
        using var sequence = fixture.Model.CreateSequence(1024, KvCacheFormat.F32);
        sequence.Observer = observer;
        sequence.Forward(c.Prompt, new float[TinyReference.Vocab]);
        return observer;
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float worst = 0;
        int at = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            float d = MathF.Abs(expected[i] - actual[i]);
            if (!(d <= worst)) (worst, at) = (d, i);
        }
        Assert.True(worst <= tolerance, $"{what}: element {at} differs by {worst} (expected {expected[at]}, got {actual[at]}), tolerance {tolerance}");
    }
}
