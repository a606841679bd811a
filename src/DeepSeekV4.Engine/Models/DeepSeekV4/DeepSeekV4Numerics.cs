namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>How the forward pass rounds (issue 18).</summary>
public enum DeepSeekV4Numerics
{
    /// <summary>
    /// Quantized weights are dotted with activations converted to the weight format's integer partner (Q8_0 / Q8_K, as
    /// ggml does); float weights with the float32 activations.
    /// </summary>
    Fast,

    /// <summary>
    /// Every rounding of DeepSeek's official inference code on whatever weights the file holds: the input of each product
    /// whose release weights are FP8 or FP4 (attention q_a, q_b, kv, output b, indexer q_b, shared and routed experts —
    /// by role, not by GGUF type) is rounded to FP8 e4m3 with a power-of-two scale per 128 values; every product then
    /// runs in float32 on the dequantized weights (no integer activation format), so the BF16-release products
    /// (embedding, head, compressor, indexer weights_proj, router) and <c>wo_a</c> take their activations unrounded.
    /// The window-KV FP8 rounding and the indexer's FP4 simulation are done in both modes.
    /// </summary>
    Reference,
}
