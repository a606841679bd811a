namespace DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;

/// <summary>What a tensor of a DeepSeek V4 GGUF is for: decides its type in each weight mix and its random values.</summary>
public enum SyntheticTensorRole
{
    TokenEmbedding,
    Output,
    /// <summary>1-D RMSNorm weights (output_norm, attn_norm, q/kv norms, compressor norms, ffn_norm).</summary>
    Norm,
    /// <summary>hc_attn_fn, hc_ffn_fn, output_hc_fn: the hyper-connection mixing projections.</summary>
    HyperConnectionFn,
    HyperConnectionBase,
    HyperConnectionScale,
    /// <summary>attn_q_a, attn_q_b, attn_kv, attn_output_a, attn_output_b.</summary>
    Attention,
    AttentionSinks,
    /// <summary>attn_compressor_kv/gate and indexer_compressor_kv/gate.</summary>
    CompressorProjection,
    /// <summary>attn_compressor_ape and indexer_compressor_ape (added to the gate logits).</summary>
    CompressorPositionBias,
    /// <summary>indexer.attn_q_b: the indexer's query projection (FP8 in DeepSeek's checkpoint).</summary>
    Indexer,
    /// <summary>indexer.proj: the indexer's per-head weights projection (BF16 in DeepSeek's checkpoint).</summary>
    IndexerWeights,
    /// <summary>ffn_gate_inp: the router.</summary>
    Router,
    /// <summary>exp_probs_b.bias: the selection-only router bias.</summary>
    RouterBias,
    /// <summary>ffn_gate_tid2eid: token id → expert ids for hash-routed layers (I32).</summary>
    HashRouting,
    RoutedExpertGateUp,
    RoutedExpertDown,
    SharedExpert,
}
