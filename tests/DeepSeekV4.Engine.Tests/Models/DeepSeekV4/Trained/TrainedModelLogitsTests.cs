using System.Security.Cryptography;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4.Trained;

/// <summary>
/// Issue 17's cross-check: the engine runs the trained model exactly as the training framework (TorchSharp) computed
/// it. The fixture holds that framework's float32 logits on the GGUF's own weights with its QAT simulation off; the
/// engine runs with <see cref="DeepSeekV4Numerics.Float"/> (float products, no FP8/FP4 simulation) and an F32 cache.
/// </summary>
public sealed class TrainedModelLogitsTests
{
    private const float Tolerance = 1e-3f;

    public static TheoryData<int> Windows() => [0, 1, 2];

    private static float MaxAbsDifference(TrainedModel.Window window, DeepSeekV4Numerics numerics, KvCacheFormat format)
    {
        using var model = DeepSeekV4Model.Load(TrainedModel.ModelPath, new DeepSeekV4ModelOptions { Numerics = numerics });
        Assert.Equal(window.Vocabulary, model.VocabularySize);
        using var sequence = model.CreateSequence(window.Tokens.Length, format);
        var all = new float[window.Tokens.Length * window.Vocabulary];
        sequence.Forward(window.Tokens, all, allLogits: true);
        float max = 0;
        for (int r = 0; r < window.RowPositions.Length; r++)
        {
            var engine = all.AsSpan(window.RowPositions[r] * window.Vocabulary, window.Vocabulary);
            var framework = window.Logits.AsSpan(r * window.Vocabulary, window.Vocabulary);
            for (int i = 0; i < engine.Length; i++) max = Math.Max(max, Math.Abs(engine[i] - framework[i]));
        }
        return max;
    }

    [Fact]
    public void The_fixture_was_made_from_the_committed_model()
    {
        var fixture = TrainedModel.Read();
        Assert.Equal(Path.GetFileName(TrainedModel.ModelPath), fixture.ModelFile);
        Assert.Equal(fixture.ModelSha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(TrainedModel.ModelPath))));
        Assert.Equal(3, fixture.Windows.Count);
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void Engine_logits_equal_the_training_frameworks_forward(int index)
    {
        var window = TrainedModel.Read().Windows[index];
        float max = MaxAbsDifference(window, DeepSeekV4Numerics.Float, KvCacheFormat.F32);
        Assert.True(max <= Tolerance, $"{window.Name}: max |engine − framework| = {max:G4} > {Tolerance}");
    }

    /// <summary>The comparison can fail: the default numerics (Q8_0 activations, FP8 window KV) miss the framework's float forward.</summary>
    [Fact]
    public void The_quantized_default_path_is_measurably_not_the_float_forward()
    {
        var window = TrainedModel.Read().Windows[0];
        Assert.True(MaxAbsDifference(window, DeepSeekV4Numerics.Fast, KvCacheFormat.Native) > Tolerance);
    }
}
