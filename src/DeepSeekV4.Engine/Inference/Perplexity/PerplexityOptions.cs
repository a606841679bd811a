namespace DeepSeekV4.Engine.Inference.Perplexity;

/// <summary>How a token stream is scored.</summary>
public sealed record PerplexityOptions
{
    /// <summary>Tokens per window (each window is evaluated from an empty sequence).</summary>
    public required int ContextLength { get; init; }

    /// <summary>
    /// Tokens between window starts. Null or <see cref="ContextLength"/>: llama-perplexity's chunks (no overlap, the
    /// second half of each chunk scored). Smaller, at most half the context: overlapping windows each scoring their
    /// last <c>Stride</c> tokens (llama-perplexity --ppl-stride), which together score the whole text after the first
    /// window's context.
    /// </summary>
    public int? Stride { get; init; }

    /// <summary>When set, the first token of every window is replaced by this id, as llama-perplexity does with BOS.</summary>
    public int? BosId { get; init; }

    /// <summary>Log-probabilities kept per position when recording a baseline (the rest is kept as one mass).</summary>
    public int BaselineTopK { get; init; } = 32;

    /// <summary>Positions whose logits are computed per forward call while scoring (bounds the logits buffer).</summary>
    public int LogitsChunk { get; init; } = 32;

    /// <summary>Tokens per forward call for the unscored context at the start of each window.</summary>
    public int PrefillChunk { get; init; } = 512;
}
