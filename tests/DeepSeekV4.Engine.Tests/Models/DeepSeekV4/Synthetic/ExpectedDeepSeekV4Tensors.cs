using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4.Synthetic;

/// <summary>
/// DeepSeek V4 configuration numbers under the names of DeepSeek's ModelArgs (the fixture's config.json), from which
/// the tests derive every tensor's name, ggml shape and type on their own (architecture reference §3 and §9.2:
/// PyTorch [out, in] becomes ggml [in, out]; stacked experts [E, out, in] become [in, out, E]).
/// </summary>
public sealed record DeepSeekV4Numbers(int Dim, int Vocab, int[] Ratios, int Heads, int HeadDim, int QLoraRank, int OGroups, int OLoraRank,
    int Experts, int ActivatedExperts, int MoeInterDim, int HashLayers, int IndexHeads, int IndexHeadDim, int HcMult = 4)
{
    public static DeepSeekV4Numbers TinyFixture()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(FixturePaths.Get("dsv4-tiny", "config.json")));
        var c = doc.RootElement;
        int I(string name) => c.GetProperty(name).GetInt32();
        return new DeepSeekV4Numbers(I("dim"), I("vocab_size"), [.. c.GetProperty("compress_ratios").EnumerateArray().Select(e => e.GetInt32())],
            I("n_heads"), I("head_dim"), I("q_lora_rank"), I("o_groups"), I("o_lora_rank"), I("n_routed_experts"), I("n_activated_experts"),
            I("moe_inter_dim"), I("n_hash_layers"), I("index_n_heads"), I("index_head_dim"), I("hc_mult"));
    }

    /// <summary>V4-Flash (reference §2.1) cut to the benchmark model: 4 layers (0, 0, 4, 128), 16 experts.</summary>
    public static DeepSeekV4Numbers FlashBench() =>
        new(4096, 129280, [0, 0, 4, 128], 64, 512, 1024, 8, 1024, 16, 6, 2048, 3, 64, 128);
}

/// <summary>What each tensor is, as the tests classify it to decide its type in a weight mix.</summary>
public enum ExpectedKind { Embedding, Output, Norm, HcFn, HcSmall, Attention, Sinks, Compressor, Ape, Indexer, IndexerProj, Router, Bias, Tid2Eid, ExpertGateUp, ExpertDown, Shared }

public static class ExpectedDeepSeekV4Tensors
{
    public static Dictionary<string, (ExpectedKind Kind, long[] Shape)> Shapes(DeepSeekV4Numbers n)
    {
        var t = new Dictionary<string, (ExpectedKind, long[])>();
        long d = n.Dim, hc = n.HcMult * (long)n.Dim, mix = 2 * n.HcMult + n.HcMult * n.HcMult;
        t["token_embd.weight"] = (ExpectedKind.Embedding, [d, n.Vocab]);
        t["output.weight"] = (ExpectedKind.Output, [d, n.Vocab]);
        t["output_norm.weight"] = (ExpectedKind.Norm, [d]);
        t["output_hc_fn.weight"] = (ExpectedKind.HcFn, [hc, n.HcMult]);
        t["output_hc_base.weight"] = (ExpectedKind.HcSmall, [n.HcMult]);
        t["output_hc_scale.weight"] = (ExpectedKind.HcSmall, [1]);
        for (int l = 0; l < n.Ratios.Length; l++)
        {
            string b = $"blk.{l}.";
            int ratio = n.Ratios[l];
            t[b + "hc_attn_fn.weight"] = (ExpectedKind.HcFn, [hc, mix]);
            t[b + "hc_ffn_fn.weight"] = (ExpectedKind.HcFn, [hc, mix]);
            t[b + "hc_attn_base.weight"] = (ExpectedKind.HcSmall, [mix]);
            t[b + "hc_ffn_base.weight"] = (ExpectedKind.HcSmall, [mix]);
            t[b + "hc_attn_scale.weight"] = (ExpectedKind.HcSmall, [3]);
            t[b + "hc_ffn_scale.weight"] = (ExpectedKind.HcSmall, [3]);
            t[b + "attn_norm.weight"] = (ExpectedKind.Norm, [d]);
            t[b + "ffn_norm.weight"] = (ExpectedKind.Norm, [d]);
            // wq_a [q_lora, D], wq_b [H·hd, q_lora], wkv [hd, D], wo_a [G·R_o, H·hd/G], wo_b [D, G·R_o]
            t[b + "attn_q_a.weight"] = (ExpectedKind.Attention, [d, n.QLoraRank]);
            t[b + "attn_q_a_norm.weight"] = (ExpectedKind.Norm, [n.QLoraRank]);
            t[b + "attn_q_b.weight"] = (ExpectedKind.Attention, [n.QLoraRank, (long)n.Heads * n.HeadDim]);
            t[b + "attn_kv.weight"] = (ExpectedKind.Attention, [d, n.HeadDim]);
            t[b + "attn_kv_a_norm.weight"] = (ExpectedKind.Norm, [n.HeadDim]);
            t[b + "attn_sinks.weight"] = (ExpectedKind.Sinks, [n.Heads]);
            t[b + "attn_output_a.weight"] = (ExpectedKind.Attention, [(long)n.Heads * n.HeadDim / n.OGroups, (long)n.OGroups * n.OLoraRank]);
            t[b + "attn_output_b.weight"] = (ExpectedKind.Attention, [(long)n.OGroups * n.OLoraRank, d]);
            if (ratio > 0)
            {
                long coff = ratio == 4 ? 2 : 1;
                t[b + "attn_compressor_kv.weight"] = (ExpectedKind.Compressor, [d, coff * n.HeadDim]);
                t[b + "attn_compressor_gate.weight"] = (ExpectedKind.Compressor, [d, coff * n.HeadDim]);
                t[b + "attn_compressor_ape.weight"] = (ExpectedKind.Ape, [coff * n.HeadDim, ratio]);
                t[b + "attn_compressor_norm.weight"] = (ExpectedKind.Norm, [n.HeadDim]);
            }
            if (ratio == 4)
            {
                t[b + "indexer.attn_q_b.weight"] = (ExpectedKind.Indexer, [n.QLoraRank, (long)n.IndexHeads * n.IndexHeadDim]);
                t[b + "indexer.proj.weight"] = (ExpectedKind.IndexerProj, [d, n.IndexHeads]);
                t[b + "indexer_compressor_kv.weight"] = (ExpectedKind.Compressor, [d, 2L * n.IndexHeadDim]);
                t[b + "indexer_compressor_gate.weight"] = (ExpectedKind.Compressor, [d, 2L * n.IndexHeadDim]);
                t[b + "indexer_compressor_ape.weight"] = (ExpectedKind.Ape, [2L * n.IndexHeadDim, 4]);
                t[b + "indexer_compressor_norm.weight"] = (ExpectedKind.Norm, [n.IndexHeadDim]);
            }
            t[b + "ffn_gate_inp.weight"] = (ExpectedKind.Router, [d, n.Experts]);
            if (l < n.HashLayers) t[b + "ffn_gate_tid2eid.weight"] = (ExpectedKind.Tid2Eid, [n.ActivatedExperts, n.Vocab]);
            else t[b + "exp_probs_b.bias"] = (ExpectedKind.Bias, [n.Experts]);
            t[b + "ffn_gate_exps.weight"] = (ExpectedKind.ExpertGateUp, [d, n.MoeInterDim, n.Experts]);
            t[b + "ffn_up_exps.weight"] = (ExpectedKind.ExpertGateUp, [d, n.MoeInterDim, n.Experts]);
            t[b + "ffn_down_exps.weight"] = (ExpectedKind.ExpertDown, [n.MoeInterDim, d, n.Experts]);
            t[b + "ffn_gate_shexp.weight"] = (ExpectedKind.Shared, [d, n.MoeInterDim]);
            t[b + "ffn_up_shexp.weight"] = (ExpectedKind.Shared, [d, n.MoeInterDim]);
            t[b + "ffn_down_shexp.weight"] = (ExpectedKind.Shared, [n.MoeInterDim, d]);
        }
        return t;
    }

    /// <summary>
    /// The type each kind gets in a `--weights` mix, before the row-length fallback: f16 as the fixture README lists
    /// it; q8_0/q4_k put the f16 mix's F16 matrices in that type; ds4-q2 as the issue describes antirez's files.
    /// </summary>
    public static GgmlType WantedType(string mix, ExpectedKind kind)
    {
        if (kind == ExpectedKind.Tid2Eid) return GgmlType.I32;
        bool f16Matrix = kind is ExpectedKind.Embedding or ExpectedKind.Output or ExpectedKind.Attention or ExpectedKind.Compressor
            or ExpectedKind.Indexer or ExpectedKind.IndexerProj or ExpectedKind.Router or ExpectedKind.ExpertGateUp or ExpectedKind.ExpertDown or ExpectedKind.Shared;
        return mix switch
        {
            "f32" => GgmlType.F32,
            "f16" => f16Matrix ? GgmlType.F16 : GgmlType.F32,
            "q8_0" => f16Matrix ? GgmlType.Q8_0 : GgmlType.F32,
            "q4_k" => f16Matrix ? GgmlType.Q4_K : GgmlType.F32,
            "iq2_xxs-experts" => kind is ExpectedKind.ExpertGateUp or ExpectedKind.ExpertDown ? GgmlType.IQ2_XXS : f16Matrix ? GgmlType.F16 : GgmlType.F32,
            "ds4-q2" or "ds4-q4" => kind switch
            {
                ExpectedKind.ExpertGateUp => mix == "ds4-q2" ? GgmlType.IQ2_XXS : GgmlType.Q4_K,
                ExpectedKind.ExpertDown => mix == "ds4-q2" ? GgmlType.Q2_K : GgmlType.Q4_K,
                ExpectedKind.Attention or ExpectedKind.Shared or ExpectedKind.Output => GgmlType.Q8_0,
                ExpectedKind.Embedding or ExpectedKind.HcFn or ExpectedKind.Router or ExpectedKind.Compressor or ExpectedKind.Ape
                    or ExpectedKind.Indexer or ExpectedKind.IndexerProj => GgmlType.F16,
                _ => GgmlType.F32,
            },
            // llama.cpp's converter from the FP8/FP4 checkpoint (issue 14): FP8 → Q8_0, FP4 experts → MXFP4, BF16 kept.
            "converter" => kind switch
            {
                ExpectedKind.ExpertGateUp or ExpectedKind.ExpertDown => GgmlType.MXFP4,
                ExpectedKind.Attention or ExpectedKind.Indexer or ExpectedKind.Shared => GgmlType.Q8_0,
                ExpectedKind.Embedding or ExpectedKind.Output or ExpectedKind.Compressor or ExpectedKind.IndexerProj or ExpectedKind.Router => GgmlType.BF16,
                _ => GgmlType.F32,
            },
            _ => throw new ArgumentException(mix),
        };
    }

    /// <summary>The wanted type if its block divides the row, else Q8_0 (32-element blocks), else F16.</summary>
    public static GgmlType ExpectedType(string mix, ExpectedKind kind, long rowLength)
    {
        var wanted = WantedType(mix, kind);
        int block = wanted switch { GgmlType.Q8_0 or GgmlType.MXFP4 => 32, GgmlType.Q4_K or GgmlType.Q2_K or GgmlType.IQ2_XXS => 256, _ => 1 };
        if (rowLength % block == 0) return wanted;
        return rowLength % 32 == 0 ? GgmlType.Q8_0 : GgmlType.F16;
    }
}
