namespace DeepSeekV4.Engine.Inference;

/// <summary>The outcome of one completion: text, token counts, why it stopped, and how fast it ran.</summary>
public sealed class CompletionResult
{
    /// <summary>The generated text (the answer, after the reasoning block when thinking was on).</summary>
    public required string Text { get; init; }

    /// <summary>Where the input came from: a file path, "prompt", or "pipeline:N" for the Nth piped string.</summary>
    public string? Source { get; init; }

    public required int PromptTokens { get; init; }

    public required int CompletionTokens { get; init; }

    /// <summary>Prompt tokens taken from the cache instead of computed (a prefix shared with earlier completions).</summary>
    public required int ReusedTokens { get; init; }

    public required FinishReason FinishReason { get; init; }

    /// <summary>Computed prompt tokens per second (reused ones excluded).</summary>
    public required double PrefillTokensPerSecond { get; init; }

    public required double DecodeTokensPerSecond { get; init; }

    /// <summary>The model's name in the session.</summary>
    public required string Model { get; init; }

    /// <summary>The text inside the reasoning block when thinking was on, otherwise null.</summary>
    public string? Reasoning { get; init; }

    /// <summary>The sampler's seed: passing it back gives the same text.</summary>
    public required ulong Seed { get; init; }

    /// <summary>The chat template that encoded the prompt.</summary>
    public required string Template { get; init; }

    /// <summary>
    /// With JSON output: the parsed document when it is complete, else null (see <see cref="JsonComplete"/>).
    /// <see cref="Text"/> holds the JSON text either way.
    /// </summary>
    public System.Text.Json.JsonElement? Json { get; init; }

    /// <summary>
    /// With JSON output: whether the document is complete (false when the token limit, a full context or a stop
    /// string cut it short); null without JSON output.
    /// </summary>
    public bool? JsonComplete { get; init; }

    /// <summary>With JSON output: seconds of the decode spent finding which tokens the document allows (part of the decode time).</summary>
    public double? ConstraintSeconds { get; init; }

    public override string ToString() => Text;
}
