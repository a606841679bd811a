using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Models.DeepSeekV4;
using DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

/// <summary>
/// A Q8_0 model read into memory has its matrices (the output head included, not the embedding, which is read by rows)
/// interleaved for the products; a mapped one (or one bound to a caller's file) keeps them as they are. Both compute the same logits up to float32 summation order.
/// </summary>
public sealed class InterleavedWeightsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dsv4-interleave-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void InMemoryQ8_0ModelInterleavesItsMatricesAndGivesTheMappedModelsLogits()
    {
        string path = Path.Combine(_dir, "tiny-q8_0.gguf");
        var spec = SyntheticModelSpec.ForPreset(SyntheticPreset.Tiny, layers: 4);
        SyntheticModelWriter.Write(path, spec, SyntheticWeightMixes.Parse("q8_0"), seed: 5);

        using var mapped = DeepSeekV4Model.Load(path);
        using var copied = DeepSeekV4Model.Load(path, new DeepSeekV4ModelOptions { LoadMode = GgufLoadMode.InMemory });
        Assert.False(mapped.Weights.Layers[0].Attention.QueryB.IsInterleaved);
        Assert.Equal(InterleavedQ8_0.IsSupported, copied.Weights.Layers[0].Attention.QueryB.IsInterleaved);
        Assert.Equal(InterleavedQ8_0.IsSupported, copied.Weights.Layers[1].Moe.Gate[0].IsInterleaved);
        Assert.False(copied.Weights.TokenEmbedding.IsInterleaved);
        Assert.Equal(InterleavedQ8_0.IsSupported, copied.Weights.Output.IsInterleaved);
        Assert.False(mapped.Weights.Output.IsInterleaved);

        var random = new Random(8);
        int[] prompt = [.. Enumerable.Range(0, 40).Select(_ => random.Next(spec.VocabularySize))];
        var expected = Logits(mapped, prompt);
        var actual = Logits(copied, prompt);
        double scale = expected.Max(v => Math.Abs(v));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-3 * scale, $"logit {i}: {actual[i]:R} vs {expected[i]:R}");
    }

    private static float[] Logits(DeepSeekV4Model model, int[] prompt)
    {
        using var sequence = model.CreateSequence(128);
        var logits = new float[prompt.Length * model.VocabularySize];
        sequence.Forward(prompt, logits, allLogits: true);
        var next = new float[model.VocabularySize];
        sequence.Forward([prompt[0]], next);
        return [.. logits, .. next];
    }
}
