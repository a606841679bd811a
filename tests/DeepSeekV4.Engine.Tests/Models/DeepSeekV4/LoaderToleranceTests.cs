using global::DeepSeekV4.Engine.Gguf;
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
}
