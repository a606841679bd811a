using global::DeepSeekV4.Engine.Gguf;
using global::DeepSeekV4.Engine.Inference;
using global::DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

/// <summary>Layouts llama.cpp accepts and so must we: the same weights stored in another shape give the same logits.</summary>
public class LoaderToleranceTests
{
    private static float[] Logits(GgufFile file)
    {
        using var model = DeepSeekV4Model.Load(file);
        using var sequence = model.CreateSequence(64);
        var prompt = TinyReference.Case("len7").Prompt;
        var logits = new float[prompt.Length * TinyReference.Vocab];
        sequence.Forward(prompt, logits, allLogits: true);
        return logits;
    }

    [Fact]
    public void A_three_dimensional_attn_output_a_as_early_converters_wrote_it_gives_the_same_logits()
    {
        using var source = GgufFile.Open(TinyReference.F16Path);
        var config = DeepSeekV4Config.FromGguf(source);
        int reshaped = 0;
        using var threeD = TinyGgufVariants.Build(keepTensor: n => !n.EndsWith(".attn_output_a.weight", StringComparison.Ordinal), addTensors: (w, s) =>
        {
            foreach (var t in s.Tensors.Where(t => t.Name.EndsWith(".attn_output_a.weight", StringComparison.Ordinal)))
            {
                // [ne0, groups·rank] → [ne0, rank, groups]: the same rows in the same order.
                w.AddTensor(t.Name, t.Type, [t.Dimensions[0], config.OutputLoraRank, config.OutputGroupCount], s.GetTensorData(t));
                reshaped++;
            }
        });
        Assert.Equal(config.LayerCount, reshaped);
        Assert.Equal(3, threeD.GetTensor("blk.0.attn_output_a.weight").Dimensions.Length);
        Assert.Equal(Logits(source), Logits(threeD));
    }

    [Fact]
    public void An_attn_output_a_with_another_row_length_is_still_refused()
    {
        using var source = GgufFile.Open(TinyReference.F16Path);
        var t = source.GetTensor("blk.0.attn_output_a.weight");
        using var wrong = TinyGgufVariants.Build(keepTensor: n => n != t.Name, addTensors: (w, s) =>
            w.AddTensor(t.Name, t.Type, [t.Dimensions[0] / 2, t.Dimensions[1] * 2], s.GetTensorData(t)));
        var e = Assert.Throws<UnsupportedModelException>(() => DeepSeekV4Model.Load(wrong));
        Assert.Contains("attn_output_a", e.Message);
    }

    [Fact]
    public void A_file_without_rope_scaling_keys_runs_without_yarn_and_says_so()
    {
        using var plain = GgufFile.Open(TinyReference.F16Path);
        Assert.Empty(DeepSeekV4Config.FromGguf(plain).Notes);
        Assert.Equal(16f, DeepSeekV4Config.FromGguf(plain).RopeScalingFactor);

        string dir = Directory.CreateTempSubdirectory("dsv4-noyarn-").FullName;
        try
        {
            string path = Path.Combine(dir, "old.gguf");
            using (var old = TinyGgufVariants.Build(m =>
                   {
                       foreach (var key in m.Keys.Where(k => k.StartsWith("deepseek4.rope.scaling.", StringComparison.Ordinal)).ToList()) m.Remove(key);
                   }))
            {
                var config = DeepSeekV4Config.FromGguf(old);
                Assert.Equal((1f, 0), (config.RopeScalingFactor, config.RopeOriginalContextLength));
                Assert.Contains("without YaRN", Assert.Single(config.Notes));
                GgufWriter.FromFile(old).WriteTo(path);
            }
            var events = new List<EngineEvent>();
            using var session = new InferenceSession(new ModelRegistry(DeepSeekV4ModelLoader.Instance));
            var model = session.Import(path, contextLength: 64, onEvent: events.Add);
            Assert.Contains("without YaRN", Assert.Single(events.OfType<WarningEvent>()).Message);
            Assert.Contains("without YaRN", Assert.Single(session.GetInfo(model).Notes));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
