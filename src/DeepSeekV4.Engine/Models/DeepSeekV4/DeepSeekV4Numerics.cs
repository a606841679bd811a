namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>How the forward pass rounds (issues 17 and 18); resolved against a file into a <see cref="ForwardRounding"/>.</summary>
public enum DeepSeekV4Numerics
{
    /// <summary>
    /// Quantized weights are dotted with activations converted to the weight format's integer partner (Q8_0 / Q8_K, as
    /// ggml does); float weights with the float32 activations. The model's own KV roundings (window-KV and compressed
    /// entries FP8, indexer FP4) are simulated. Default KV cache: Native.
    /// </summary>
    Fast,

    /// <summary>
    /// Every rounding of DeepSeek's official inference code on whatever weights the file holds. Every product runs in
    /// float32 on the dequantized weights (no integer activation format). When the file comes from an FP8/FP4 release
    /// (any of the FP8/FP4-role tensors below is stored in a quantized, non-float ggml type), the input of each product
    /// whose release weights are FP8 or FP4 (attention q_a, q_b, kv, output b, indexer q_b, shared and routed experts —
    /// by role, not by GGUF type) is rounded to FP8 e4m3 with a power-of-two scale per 128 values, while the BF16-release
    /// products (embedding, head, compressor, indexer weights_proj, router) and <c>wo_a</c> take their activations
    /// unrounded. When all of those tensors are F32/F16/BF16 the file is a float checkpoint, where DeepSeek's code takes
    /// its plain float GEMM path, and no activation is rounded. The window-KV FP8 rounding and the indexer's FP4
    /// simulation are done either way. Default KV cache: F32 (the reference's float32 rotary dims; Native stores them
    /// in BF16).
    /// </summary>
    Reference,

    /// <summary>
    /// What a float training framework computes with quantization-aware simulation off: every product in float32 on the
    /// dequantized weights, no activation rounding, no FP8 rounding of window-KV rows or compressed entries and no FP4
    /// simulation of the indexer's queries and keys (the Hadamard rotation stays: applied to both, it leaves the scores
    /// as they are). Default KV cache: F32 (a Native cache still stores in its own FP8/BF16/FP4 formats).
    /// </summary>
    Float,
}
