using DeepSeekV4.Engine.Models.DeepSeekV4;
using DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4.Synthetic;

/// <summary>Models written by make-model load in <see cref="DeepSeekV4Model"/> and give finite, sensibly sized logits.</summary>
public sealed class SyntheticModelRunsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dsv4-make-model-run-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string, int> Cases() => new()
    {
        { "f32", 6 }, { "f16", 6 }, { "q8_0", 6 }, { "q4_k", 6 }, { "iq2_xxs-experts", 6 }, { "ds4-q2", 6 }, { "ds4-q4", 6 }, { "converter", 6 },
        { "f16", 16 }, // deeper than the fixture: activations must not grow layer by layer
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TinyModelLoadsAndPrefillAndDecodeGiveFiniteLogits(string mix, int layers)
    {
        string path = Path.Combine(_dir, $"tiny-{mix}-{layers}.gguf");
        var spec = SyntheticModelSpec.ForPreset(SyntheticPreset.Tiny, layers: layers);
        SyntheticModelWriter.Write(path, spec, SyntheticWeightMixes.Parse(mix), seed: 11);

        using var model = DeepSeekV4Model.Load(path);
        Assert.Equal(spec.VocabularySize, model.VocabularySize);
        using var sequence = model.CreateSequence(256);
        var random = new Random(3);
        int[] prompt = [.. Enumerable.Range(0, 140).Select(_ => random.Next(spec.VocabularySize))]; // past the 128 window and a 128-block
        var all = new float[prompt.Length * spec.VocabularySize];
        sequence.Forward(prompt, all, allLogits: true);
        var last = new float[spec.VocabularySize];
        for (int step = 0; step < 4; step++) sequence.Forward([random.Next(spec.VocabularySize)], last);

        foreach (var logits in new[] { all, last })
        {
            Assert.All(logits, v => Assert.True(float.IsFinite(v)));
            double mean = logits.Average(v => (double)v);
            double std = Math.Sqrt(logits.Average(v => (v - mean) * (v - mean)));
            // output.weight has std 3/√D and the final norm gives unit rows: logits of std ≈ 3 (well within 0.3..30).
            Assert.InRange(std, 0.3, 30);
        }
    }
}
