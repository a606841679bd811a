using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;
using DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;
using DeepSeekV4.Engine.Tensors;
using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4.Synthetic;

/// <summary>
/// The mixes that imitate published files (llama.cpp's converter, antirez's ds4 q2/q4) have the types and keys those
/// files have, load, and give the logits of the same weights written as F32: the twin holds each tensor decoded to
/// F32, so the weights are the same numbers and only the layout (block formats, 3-D expert stacks, keys) differs.
/// </summary>
public sealed class PublishedLayoutTwinTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dsv4-layout-twin-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// The tiny preset with 256-wide rows (embedding and expert FFN), so that every 256-value block type (Q4_K, Q2_K,
    /// IQ2_XXS) divides its rows and no tensor falls back to another type: the file has the mix's types as stated.
    /// </summary>
    private static SyntheticModelSpec Spec() =>
        SyntheticModelSpec.ForPreset(SyntheticPreset.Tiny) with { EmbeddingLength = 256, ExpertFeedForwardLength = 256 };

    private string Write(string mix, SyntheticModelSpec spec, ulong seed = 21)
    {
        string path = Path.Combine(_dir, $"{mix}-{seed}.gguf");
        SyntheticModelWriter.Write(path, spec, SyntheticWeightMixes.Parse(mix), seed);
        return path;
    }

    /// <summary>
    /// The same model with every tensor decoded to F32 (I32 kept), metadata as it is. <paramref name="corrupt"/> names a
    /// tensor whose 32-value blocks are written with their halves swapped: the layout mistake a wrong MXFP4/Q8_0 nibble
    /// or row order would make, for checking that the comparison catches one.
    /// </summary>
    private string WriteF32Twin(string path, string? corrupt = null)
    {
        string twin = Path.ChangeExtension(path, corrupt == null ? ".f32.gguf" : ".bad.gguf");
        using var file = GgufFile.Open(path);
        var writer = new GgufWriter();
        foreach (string key in file.MetadataKeys) writer.AddMetadata(key, file.Metadata[key]);
        writer.SetMetadata("general.file_type", 0u);
        foreach (var t in file.Tensors)
        {
            if (t.Type == GgmlType.I32)
            {
                writer.AddTensor(t.Name, t.Type, t.Dimensions, s => file.CopyTensorData(t, s));
                continue;
            }
            float[] values = file.GetTensorView(t).ToFloatArray();
            if (t.Name == corrupt)
                for (int b = 0; b + 32 <= values.Length; b += 32)
                    for (int i = 0; i < 16; i++) (values[b + i], values[b + 16 + i]) = (values[b + 16 + i], values[b + i]);
            writer.AddTensor(t.Name, GgmlType.F32, t.Dimensions, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        }
        writer.WriteTo(twin);
        return twin;
    }

    /// <summary>Logits of every position of a 150-token prompt (past the 128 window and a 128-block) and 3 decode steps.</summary>
    private static float[] Logits(string path, int vocabulary, bool mtp = false)
    {
        using var model = DeepSeekV4Model.Load(path);
        Assert.Equal(mtp, model.Mtp != null);
        using var sequence = model.CreateSequence(256, KvCacheFormat.F32);
        var random = new Random(5);
        int[] prompt = [.. Enumerable.Range(0, 150).Select(_ => random.Next(vocabulary))];
        var all = new float[(prompt.Length + 3) * vocabulary];
        sequence.Forward(prompt, all.AsSpan(0, prompt.Length * vocabulary), allLogits: true);
        for (int step = 0; step < 3; step++)
            sequence.Forward([random.Next(vocabulary)], all.AsSpan((prompt.Length + step) * vocabulary, vocabulary));
        return all;
    }

    /// <summary>RMS of the difference over the RMS spread of the reference logits.</summary>
    private static double RelativeRms(float[] actual, float[] reference)
    {
        double mean = reference.Average(v => (double)v);
        double diff = 0, spread = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            diff += (actual[i] - (double)reference[i]) * (actual[i] - (double)reference[i]);
            spread += (reference[i] - mean) * (reference[i] - mean);
        }
        return Math.Sqrt(diff / spread);
    }

    /// <summary>Median over positions of each position's <see cref="RelativeRms"/>: a few tokens whose top-k expert choice
    /// flips on a rounding-sized difference (a discontinuity, not a layout error) do not decide it.</summary>
    private static double MedianPositionError(float[] actual, float[] reference, int vocabulary)
    {
        var per = Enumerable.Range(0, actual.Length / vocabulary)
            .Select(i => RelativeRms(actual[(i * vocabulary)..((i + 1) * vocabulary)], reference[(i * vocabulary)..((i + 1) * vocabulary)]))
            .Order().ToArray();
        return per[per.Length / 2];
    }

    /// <summary>
    /// What the formats themselves allow. The twin's weights are the mix's decoded values, so the weights add no error;
    /// what differs is that a product with a Q8_0/MXFP4 weight quantizes its activations to Q8_0 (32-value blocks) and one
    /// with a K-quant/IQ weight to Q8_K (256-value blocks): rounding to a step d = amax/127, an error of RMS d/√12, i.e.
    /// amax/(127·√12) of the input's RMS, and amax ≤ 3 RMS for these blocks, so ε = 3/(127·√12) ≈ 0.0068 per product
    /// (F16/BF16 weights dot F32 activations: no such error). The errors of the P quantized products a token passes
    /// through (each 2-D/3-D quantized matrix of the file, a 3-D expert stack counted once) are independent and add in
    /// quadrature: tolerance ε·√P of the logits' spread (≈ 0.056 for the six-layer converter mix; measured medians 0.02–0.03,
    /// one misordered tensor 0.27–0.38).
    /// </summary>
    private static double Tolerance(string path, int layers)
    {
        using var file = GgufFile.Open(path);
        // The MTP block (blk.{layers}) is bound but not run for these logits.
        int products = file.Tensors.Count(t => t.Dimensions.Length >= 2 && t.Name != "token_embd.weight" && !t.Name.StartsWith($"blk.{layers}.", StringComparison.Ordinal)
            && t.Type is not (GgmlType.F32 or GgmlType.F16 or GgmlType.BF16 or GgmlType.I32));
        return 3.0 / (127.0 * Math.Sqrt(12.0)) * Math.Sqrt(products);
    }

    public static TheoryData<string, bool> Mixes() => new() { { "converter", false }, { "ds4-q2", false }, { "ds4-q4", false }, { "converter", true }, { "ds4-q2", true }, { "ds4-q4", true } };

    /// <summary>With <paramref name="mtp"/>, the file also holds an MTP block (llama.cpp's nextn layout), bound on load in both files.</summary>
    [Theory]
    [MemberData(nameof(Mixes))]
    public void MixGivesTheLogitsOfTheSameWeightsWrittenAsF32(string mix, bool mtp)
    {
        var spec = Spec() with { Mtp = mtp };
        string path = Write(mix, spec);
        double tolerance = Tolerance(path, spec.LayerCount);
        float[] quantized = Logits(path, spec.VocabularySize, mtp);
        float[] twin = Logits(WriteF32Twin(path), spec.VocabularySize, mtp);
        double error = MedianPositionError(quantized, twin, spec.VocabularySize);
        Assert.True(error < tolerance, $"{mix}: logits differ from the F32 twin's by {error:F5} of their spread (median over positions; tolerance {tolerance:F5})");
        Assert.True(quantized.AsSpan().IndexOfAnyExcept(twin) >= 0, "the logits are identical: the activations were not quantized, so the tolerance's premise fails");
    }

    [Theory]
    [InlineData("converter", "blk.4.ffn_gate_exps.weight")]
    [InlineData("converter", "blk.2.attn_q_b.weight")]
    [InlineData("ds4-q4", "blk.5.ffn_down_exps.weight")]
    public void AComparisonWithATwinWhoseBlocksAreMisorderedFails(string mix, string tensor)
    {
        var spec = Spec();
        string path = Write(mix, spec);
        double tolerance = Tolerance(path, spec.LayerCount);
        double error = MedianPositionError(Logits(path, spec.VocabularySize), Logits(WriteF32Twin(path, corrupt: tensor), spec.VocabularySize), spec.VocabularySize);
        Assert.True(error > 3 * tolerance, $"{mix} with {tensor} misordered: {error:F5} of the spread, not far above the tolerance {tolerance:F5}");
    }

    [Fact]
    public void ConverterMixHasTheConvertersTypesShapesAndKeys()
    {
        var spec = Spec();
        using var file = GgufFile.Open(Write("converter", spec));
        var expected = ExpectedDeepSeekV4Tensors.Shapes(new DeepSeekV4Numbers(spec.EmbeddingLength, spec.VocabularySize, [.. spec.CompressRatios],
            spec.HeadCount, spec.HeadSize, spec.QLoraRank, spec.OutputGroupCount, spec.OutputLoraRank, spec.ExpertCount, spec.ExpertUsedCount,
            spec.ExpertFeedForwardLength, spec.HashLayerCount, spec.IndexerHeadCount, spec.IndexerKeyLength));
        Assert.Equal(expected.Count, file.Tensors.Count);
        foreach (var t in file.Tensors)
        {
            var (kind, shape) = expected[t.Name];
            Assert.True(shape.SequenceEqual(t.Dimensions), $"{t.Name}: {t.ShapeText}");
            Assert.True(ExpectedDeepSeekV4Tensors.WantedType("converter", kind) == t.Type, $"{t.Name}: {t.Type}");
        }
        var experts = file.Tensors.Where(t => t.Name.EndsWith("_exps.weight", StringComparison.Ordinal)).ToList();
        Assert.Equal(3 * spec.LayerCount, experts.Count);
        Assert.All(experts, t => Assert.True(t.Type == GgmlType.MXFP4 && t.Dimensions.Length == 3, $"{t.Name}: {t.Type} {t.ShapeText}"));
        Assert.All(file.Tensors.Where(t => t.Name.Contains("attn_q_b", StringComparison.Ordinal) || t.Name.Contains("shexp", StringComparison.Ordinal)),
            t => Assert.Equal(GgmlType.Q8_0, t.Type));
        Assert.Equal(GgmlType.BF16, file.GetTensor("token_embd.weight").Type);
        Assert.Equal(GgmlType.BF16, file.GetTensor("blk.3.ffn_gate_inp.weight").Type);
        Assert.Equal(GgmlType.F32, file.GetTensor("blk.2.attn_compressor_ape.weight").Type);

        Assert.Equal(38u, Convert.ToUInt32(file.Metadata["general.file_type"].Value));
        Assert.Equal("joyai-llm", file.Metadata["tokenizer.ggml.pre"].Value);
        Assert.Equal(spec.LayerCount + 1, file.Metadata["deepseek4.attention.compress_ratios"].Array!.Count);
        foreach (string absent in new[] { "deepseek4.vocab_size", "deepseek4.leading_dense_block_count", "deepseek4.expert_group_count", "deepseek4.expert_group_used_count" })
            Assert.DoesNotContain(absent, file.MetadataKeys);
        string template = (string)file.Metadata["tokenizer.chat_template"].Value!;
        Assert.Equal(ChatTemplateKind.FileDeepSeekV4, ChatEncoder.Recognize(template).Kind);

        using var model = DeepSeekV4Model.Load(file);
        Assert.Equal(spec.VocabularySize, model.VocabularySize);
        Assert.Equal(spec.LayerCount, model.Config.LayerCount);
    }

    [Theory]
    [InlineData("ds4-q2", GgmlType.IQ2_XXS, GgmlType.Q2_K, 19u)]
    [InlineData("ds4-q4", GgmlType.Q4_K, GgmlType.Q4_K, 15u)]
    public void Ds4MixesHaveAntirezsTypes(string mix, GgmlType gateUp, GgmlType down, uint fileType)
    {
        var spec = Spec();
        using var file = GgufFile.Open(Write(mix, spec));
        foreach (var t in file.Tensors)
        {
            GgmlType want = t.Name switch
            {
                _ when t.Name.EndsWith("ffn_gate_exps.weight", StringComparison.Ordinal) || t.Name.EndsWith("ffn_up_exps.weight", StringComparison.Ordinal) => gateUp,
                _ when t.Name.EndsWith("ffn_down_exps.weight", StringComparison.Ordinal) => down,
                _ when t.Name.Contains("shexp", StringComparison.Ordinal) || t.Name == "output.weight"
                    || (t.Name.Contains(".attn_", StringComparison.Ordinal) && !t.Name.Contains("norm", StringComparison.Ordinal)
                        && !t.Name.Contains("sinks", StringComparison.Ordinal) && !t.Name.Contains("compressor", StringComparison.Ordinal)
                        && !t.Name.Contains("indexer", StringComparison.Ordinal)) => GgmlType.Q8_0,
                "token_embd.weight" => GgmlType.F16,
                _ when t.Name.Contains("hc_", StringComparison.Ordinal) && t.Name.EndsWith("fn.weight", StringComparison.Ordinal) => GgmlType.F16,
                _ when t.Name.Contains("ffn_gate_inp", StringComparison.Ordinal) || t.Name.Contains("indexer", StringComparison.Ordinal)
                    || (t.Name.Contains("compressor", StringComparison.Ordinal) && !t.Name.Contains("norm", StringComparison.Ordinal)) => GgmlType.F16,
                _ when t.Name.Contains("tid2eid", StringComparison.Ordinal) => GgmlType.I32,
                _ when t.Name.Contains("indexer_compressor_norm", StringComparison.Ordinal) => GgmlType.F32,
                _ => GgmlType.F32,
            };
            if (t.Name.Contains("indexer_compressor_norm", StringComparison.Ordinal) || t.Name.Contains("attn_compressor_norm", StringComparison.Ordinal)) want = GgmlType.F32;
            Assert.True(want == t.Type, $"{mix} {t.Name}: {t.Type}, expected {want}");
        }
        Assert.Equal(fileType, Convert.ToUInt32(file.Metadata["general.file_type"].Value));
        Assert.Contains("deepseek4.vocab_size", file.MetadataKeys);
    }
}
