namespace DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;

/// <summary>
/// The tensor list of a synthetic model: llama.cpp's deepseek4 names and ggml dims (architecture reference §9.2),
/// types from the weight mix, and value scales that keep activations of unit size through the layers (matrices
/// 1/√fan-in, so RMS-normalized inputs give unit outputs; norms ≈ 1; output 3/√D for logits of std ≈ 3; the
/// hyper-connection scales and biases, sinks and router bias as in the dsv4-tiny fixture, whose comb biases lean
/// towards keeping each stream: see <see cref="RandomBlocks"/>).
/// </summary>
public static class SyntheticTensorPlan
{
    public static IReadOnlyList<SyntheticTensor> Build(SyntheticModelSpec spec, SyntheticWeightMix mix) => Build(spec, mix, mtpOnly: null);

    /// <summary>
    /// The tensors of a separate MTP file for the model <paramref name="spec"/> describes: llama.cpp's (<c>blk.N.*</c>,
    /// <c>blk.N.nextn.*</c>, the MTP's own head as <c>output_hc_*</c>) or ds4's (<c>mtp.0.*</c>, e_proj / h_proj, hc_head_*).
    /// </summary>
    public static IReadOnlyList<SyntheticTensor> BuildMtpFile(SyntheticModelSpec spec, SyntheticWeightMix mix, MtpLayout layout)
    {
        if (layout == MtpLayout.MainFile) throw new ArgumentException("the main file's MTP block is written with the model (SyntheticModelSpec.Mtp)", nameof(layout));
        return Build(spec with { Mtp = false }, mix, layout);
    }

    private static IReadOnlyList<SyntheticTensor> Build(SyntheticModelSpec spec, SyntheticWeightMix mix, MtpLayout? mtpOnly)
    {
        spec.Validate();
        var list = new List<SyntheticTensor>();
        long d = spec.EmbeddingLength, v = spec.VocabularySize, hd = spec.HeadSize, h = spec.HeadCount;
        long hcWidth = spec.HyperConnectionCount * d, hcMix = spec.HyperConnectionMixCount;
        long e = spec.ExpertCount, f = spec.ExpertFeedForwardLength, shared = f * spec.ExpertSharedCount;
        long qRank = spec.QLoraRank, groups = spec.OutputGroupCount, oRank = spec.OutputLoraRank;
        long ih = spec.IndexerHeadCount, ik = spec.IndexerKeyLength;

        void Add(string name, SyntheticTensorRole role, long[] dims, float mean, float sd) =>
            list.Add(new SyntheticTensor(name, role, dims, SyntheticWeightMixes.TypeFor(mix, role, dims[0]), mean, sd));
        void Matrix(string name, SyntheticTensorRole role, long[] dims) => Add(name, role, dims, 0f, 1f / MathF.Sqrt(dims[0]));
        void Norm(string name, long length) => Add(name, SyntheticTensorRole.Norm, [length], 1f, 0.1f);

        void HeadMixer(string prefix)
        {
            Add($"{prefix}_base.weight", SyntheticTensorRole.HyperConnectionBase, [spec.HyperConnectionCount], 0f, 0.3f);
            Matrix($"{prefix}_fn.weight", SyntheticTensorRole.HyperConnectionFn, [hcWidth, spec.HyperConnectionCount]);
            Add($"{prefix}_scale.weight", SyntheticTensorRole.HyperConnectionScale, [1], 0.6f, 0.1f);
        }

        if (mtpOnly is { } layout)
        {
            // The MTP block alone, under the file's names (ds4's are mapped from llama.cpp's as the loader maps them back).
            int index = spec.LayerCount;
            int start = list.Count;
            Layer(index, SyntheticMetadata.MtpCompressRatio);
            string n = $"blk.{index}.nextn.";
            if (layout == MtpLayout.Ds4File)
            {
                Matrix(n + "e_proj.weight", SyntheticTensorRole.Attention, [d, d]);
                Matrix(n + "h_proj.weight", SyntheticTensorRole.Attention, [d, d]);
            }
            else Matrix(n + "eh_proj.weight", SyntheticTensorRole.Attention, [2 * d, d]);
            Norm(n + "enorm.weight", d);
            Norm(n + "hnorm.weight", d);
            Norm(n + "shared_head_norm.weight", d);
            HeadMixer(layout == MtpLayout.Ds4File ? n + "hc_head" : "output_hc");
            if (layout == MtpLayout.Ds4File)
                for (int i = start; i < list.Count; i++) list[i] = list[i] with { Name = DeepSeekV4MtpWeights.Ds4Name(list[i].Name, index) };
            return list;
        }

        Add("token_embd.weight", SyntheticTensorRole.TokenEmbedding, [d, v], 0f, 1f);
        for (int layer = 0; layer < spec.LayerCount; layer++) Layer(layer, spec.CompressRatios[layer]);
        if (spec.Mtp)
        {
            // llama.cpp's converter with MTP kept: the block after the main layers, with its nextn projections and norms.
            int index = spec.LayerCount;
            Layer(index, SyntheticMetadata.MtpCompressRatio);
            string n = $"blk.{index}.nextn.";
            Matrix(n + "eh_proj.weight", SyntheticTensorRole.Attention, [2 * d, d]);
            Norm(n + "enorm.weight", d);
            Norm(n + "hnorm.weight", d);
            Norm(n + "shared_head_norm.weight", d);
        }
        HeadMixer("output_hc");
        Norm("output_norm.weight", d);
        Add("output.weight", SyntheticTensorRole.Output, [d, v], 0f, 3f / MathF.Sqrt(d));
        return list;

        void Layer(int layer, int ratio)
        {
            string p = $"blk.{layer}.";
            foreach (string part in (string[])["attn", "ffn"])
            {
                Matrix($"{p}hc_{part}_fn.weight", SyntheticTensorRole.HyperConnectionFn, [hcWidth, hcMix]);
                Add($"{p}hc_{part}_base.weight", SyntheticTensorRole.HyperConnectionBase, [hcMix], 0f, 0.5f);
                Add($"{p}hc_{part}_scale.weight", SyntheticTensorRole.HyperConnectionScale, [3], 0.65f, 0.2f);
            }
            Norm($"{p}attn_norm.weight", d);
            Matrix($"{p}attn_q_a.weight", SyntheticTensorRole.Attention, [d, qRank]);
            Norm($"{p}attn_q_a_norm.weight", qRank);
            Matrix($"{p}attn_q_b.weight", SyntheticTensorRole.Attention, [qRank, h * hd]);
            Matrix($"{p}attn_kv.weight", SyntheticTensorRole.Attention, [d, hd]);
            Norm($"{p}attn_kv_a_norm.weight", hd);
            Add($"{p}attn_sinks.weight", SyntheticTensorRole.AttentionSinks, [h], 0f, 1f);
            Matrix($"{p}attn_output_a.weight", SyntheticTensorRole.Attention, [h * hd / groups, groups * oRank]);
            Matrix($"{p}attn_output_b.weight", SyntheticTensorRole.Attention, [groups * oRank, d]);
            if (ratio != 0)
            {
                long width = (ratio == 4 ? 2 : 1) * hd;
                Matrix($"{p}attn_compressor_kv.weight", SyntheticTensorRole.CompressorProjection, [d, width]);
                Matrix($"{p}attn_compressor_gate.weight", SyntheticTensorRole.CompressorProjection, [d, width]);
                Add($"{p}attn_compressor_ape.weight", SyntheticTensorRole.CompressorPositionBias, [width, ratio], 0f, 0.5f);
                Norm($"{p}attn_compressor_norm.weight", hd);
            }
            if (ratio == 4)
            {
                Matrix($"{p}indexer.attn_q_b.weight", SyntheticTensorRole.Indexer, [qRank, ih * ik]);
                Matrix($"{p}indexer.proj.weight", SyntheticTensorRole.IndexerWeights, [d, ih]);
                Matrix($"{p}indexer_compressor_kv.weight", SyntheticTensorRole.CompressorProjection, [d, 2 * ik]);
                Matrix($"{p}indexer_compressor_gate.weight", SyntheticTensorRole.CompressorProjection, [d, 2 * ik]);
                Add($"{p}indexer_compressor_ape.weight", SyntheticTensorRole.CompressorPositionBias, [2 * ik, 4], 0f, 0.5f);
                Norm($"{p}indexer_compressor_norm.weight", ik);
            }
            Norm($"{p}ffn_norm.weight", d);
            Matrix($"{p}ffn_gate_inp.weight", SyntheticTensorRole.Router, [d, e]);
            if (layer < spec.HashLayerCount)
                list.Add(new SyntheticTensor($"{p}ffn_gate_tid2eid.weight", SyntheticTensorRole.HashRouting, [spec.ExpertUsedCount, v],
                    SyntheticWeightMixes.TypeFor(mix, SyntheticTensorRole.HashRouting, spec.ExpertUsedCount), 0f, 0f, e));
            else
                Add($"{p}exp_probs_b.bias", SyntheticTensorRole.RouterBias, [e], 0f, 0.1f);
            Matrix($"{p}ffn_gate_exps.weight", SyntheticTensorRole.RoutedExpertGateUp, [d, f, e]);
            Matrix($"{p}ffn_up_exps.weight", SyntheticTensorRole.RoutedExpertGateUp, [d, f, e]);
            Matrix($"{p}ffn_down_exps.weight", SyntheticTensorRole.RoutedExpertDown, [f, d, e]);
            Matrix($"{p}ffn_gate_shexp.weight", SyntheticTensorRole.SharedExpert, [d, shared]);
            Matrix($"{p}ffn_up_shexp.weight", SyntheticTensorRole.SharedExpert, [d, shared]);
            Matrix($"{p}ffn_down_shexp.weight", SyntheticTensorRole.SharedExpert, [shared, d]);
        }
    }
}
