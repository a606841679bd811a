using System.Text.Json;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Tests.Gguf;

/// <summary>
/// The tensors dsv4-tiny's GGUFs must hold, derived from tests/fixtures/dsv4-tiny/manifest.json: its model config
/// gives every size, its "conventions.gguf" gives the layout rules (also spelled out in the fixture's README, "GGUF
/// conventions"): ggml dims with the input dimension first, stacked experts [in, out, E], tid2eid [k, vocab] I32 in
/// the hash layers and exp_probs_b [E] elsewhere, compressor width 2·head_dim for ratio 4 and head_dim for ratio 128,
/// the indexer only in ratio-4 layers. Types: in the F16 file the 2-D matrices the checkpoint stores in low precision
/// are F16, everything else F32; in the F32 file everything is F32; tid2eid is I32 in both.
/// </summary>
internal sealed class TinyModelManifest
{
    public long ParameterCount { get; }
    public string F16Sha256 { get; }
    public string F32Sha256 { get; }
    public IReadOnlyDictionary<string, (long[] Dims, bool LowPrecision)> Tensors { get; }

    public TinyModelManifest()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(FixturePaths.Get("dsv4-tiny", "manifest.json")));
        var model = doc.RootElement.GetProperty("models")[0];
        ParameterCount = model.GetProperty("n_parameters").GetInt64();
        F16Sha256 = model.GetProperty("sha256").GetProperty("f16").GetString()!;
        F32Sha256 = model.GetProperty("sha256").GetProperty("f32").GetString()!;
        var c = model.GetProperty("config");
        long I(string name) => c.GetProperty(name).GetInt64();
        long dim = I("dim"), vocab = I("vocab_size"), heads = I("n_heads"), headDim = I("head_dim"), qLora = I("q_lora_rank");
        long groups = I("o_groups"), oLora = I("o_lora_rank"), experts = I("n_routed_experts"), topK = I("n_activated_experts");
        long inter = I("moe_inter_dim"), shared = I("n_shared_experts"), hashLayers = I("n_hash_layers"), hc = I("hc_mult");
        long indexHeads = I("index_n_heads"), indexHeadDim = I("index_head_dim");
        long[] ratios = c.GetProperty("compress_ratios").EnumerateArray().Select(e => e.GetInt64()).ToArray();

        var t = new Dictionary<string, (long[], bool)>();
        void Add(string name, bool lowPrecision, params long[] dims) => t.Add(name, (dims, lowPrecision));

        Add("token_embd.weight", true, dim, vocab);
        Add("output.weight", true, dim, vocab);
        Add("output_norm.weight", false, dim);
        Add("output_hc_fn.weight", false, hc * dim, hc);
        Add("output_hc_base.weight", false, hc);
        Add("output_hc_scale.weight", false, 1);
        for (int l = 0; l < ratios.Length; l++)
        {
            string b = $"blk.{l}.";
            foreach (var part in new[] { "attn", "ffn" })
            {
                // Rows of hc_*_fn: hc pre weights, hc post weights, then the hc × hc comb matrix.
                Add($"{b}hc_{part}_fn.weight", false, hc * dim, (2 + hc) * hc);
                Add($"{b}hc_{part}_base.weight", false, (2 + hc) * hc);
                Add($"{b}hc_{part}_scale.weight", false, 3);
            }
            Add($"{b}attn_norm.weight", false, dim);
            Add($"{b}attn_q_a.weight", true, dim, qLora);
            Add($"{b}attn_q_a_norm.weight", false, qLora);
            Add($"{b}attn_q_b.weight", true, qLora, heads * headDim);
            Add($"{b}attn_kv.weight", true, dim, headDim);
            Add($"{b}attn_kv_a_norm.weight", false, headDim);
            Add($"{b}attn_sinks.weight", false, heads);
            Add($"{b}attn_output_a.weight", true, heads * headDim / groups, groups * oLora);
            Add($"{b}attn_output_b.weight", true, groups * oLora, dim);
            long ratio = ratios[l];
            if (ratio > 0)
            {
                long width = (ratio == 4 ? 2 : 1) * headDim;
                Add($"{b}attn_compressor_kv.weight", true, dim, width);
                Add($"{b}attn_compressor_gate.weight", true, dim, width);
                Add($"{b}attn_compressor_ape.weight", false, width, ratio);
                Add($"{b}attn_compressor_norm.weight", false, headDim);
            }
            if (ratio == 4)
            {
                Add($"{b}indexer.attn_q_b.weight", true, qLora, indexHeads * indexHeadDim);
                Add($"{b}indexer.proj.weight", true, dim, indexHeads);
                Add($"{b}indexer_compressor_kv.weight", true, dim, 2 * indexHeadDim);
                Add($"{b}indexer_compressor_gate.weight", true, dim, 2 * indexHeadDim);
                Add($"{b}indexer_compressor_ape.weight", false, 2 * indexHeadDim, ratio);
                Add($"{b}indexer_compressor_norm.weight", false, indexHeadDim);
            }
            Add($"{b}ffn_norm.weight", false, dim);
            Add($"{b}ffn_gate_inp.weight", true, dim, experts);
            Add($"{b}ffn_gate_exps.weight", true, dim, inter, experts);
            Add($"{b}ffn_up_exps.weight", true, dim, inter, experts);
            Add($"{b}ffn_down_exps.weight", true, inter, dim, experts);
            Add($"{b}ffn_gate_shexp.weight", true, dim, inter * shared);
            Add($"{b}ffn_up_shexp.weight", true, dim, inter * shared);
            Add($"{b}ffn_down_shexp.weight", true, inter * shared, dim);
            if (l < hashLayers) Add($"{b}ffn_gate_tid2eid.weight", false, topK, vocab);
            else Add($"{b}exp_probs_b.bias", false, experts);
        }
        Tensors = t;
    }

    public static GgmlType TypeIn(string name, bool lowPrecision, bool f16File) =>
        name.EndsWith("ffn_gate_tid2eid.weight", StringComparison.Ordinal) ? GgmlType.I32
        : lowPrecision && f16File ? GgmlType.F16 : GgmlType.F32;
}
