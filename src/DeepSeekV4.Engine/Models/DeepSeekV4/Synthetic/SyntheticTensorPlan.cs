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
    public static IReadOnlyList<SyntheticTensor> Build(SyntheticModelSpec spec, SyntheticWeightMix mix)
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

        Add("token_embd.weight", SyntheticTensorRole.TokenEmbedding, [d, v], 0f, 1f);
        for (int layer = 0; layer < spec.LayerCount; layer++)
        {
            string p = $"blk.{layer}.";
            int ratio = spec.CompressRatios[layer];
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
        Add("output_hc_base.weight", SyntheticTensorRole.HyperConnectionBase, [spec.HyperConnectionCount], 0f, 0.3f);
        Matrix("output_hc_fn.weight", SyntheticTensorRole.HyperConnectionFn, [hcWidth, spec.HyperConnectionCount]);
        Add("output_hc_scale.weight", SyntheticTensorRole.HyperConnectionScale, [1], 0.6f, 0.1f);
        Norm("output_norm.weight", d);
        Add("output.weight", SyntheticTensorRole.Output, [d, v], 0f, 3f / MathF.Sqrt(d));
        return list;
    }
}
