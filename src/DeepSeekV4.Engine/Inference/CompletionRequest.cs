using DeepSeekV4.Engine.Sampling;

namespace DeepSeekV4.Engine.Inference;

/// <summary>
/// One completion. The user turn is the instruction, the prompt and the document, in that order, separated by a
/// blank line; at least one of <see cref="Prompt"/> and <see cref="Document"/> is given.
/// </summary>
public sealed record CompletionRequest
{
    public const int DefaultMaxTokens = 512;

    public string? Prompt { get; init; }

    /// <summary>Placed before each document (e.g. "Summarize this report:").</summary>
    public string? Instruction { get; init; }

    /// <summary>A document's text (a file or a piped string); encoded as plain text, never as control tokens.</summary>
    public string? Document { get; init; }

    /// <summary>Where the input came from (a path, or a description); copied to the result.</summary>
    public string? Source { get; init; }

    public string? SystemPrompt { get; init; }

    /// <summary>Earlier turns of the conversation (user and assistant, oldest first), before this request's user turn.</summary>
    public IReadOnlyList<Tokenization.ChatTurn> History { get; init; } = [];

    /// <summary>Opens the reasoning block; the result then carries the reasoning apart from the answer.</summary>
    public bool Think { get; init; }

    /// <summary>Tokens to generate at most; 0 only fills the cache with the prompt.</summary>
    public int MaxTokens { get; init; } = DefaultMaxTokens;

    /// <summary>Strings that end generation; they are found across token boundaries and not included in the text.</summary>
    public IReadOnlyList<string> Stop { get; init; } = [];

    public SamplerSettings Sampling { get; init; } = new();

    /// <summary>
    /// When set, the output is one compact JSON document of this format (a schema, or any object): tokens that
    /// cannot continue a valid document are masked before sampling, and generation ends once the document is
    /// complete (<see cref="FinishReason.DocumentComplete"/>). With <see cref="Think"/> the reasoning block is free
    /// text and the document starts right after it.
    /// </summary>
    public Sampling.Constraints.JsonOutputFormat? JsonOutput { get; init; }

    /// <summary>The user turn's text.</summary>
    public string UserText => Join(Instruction, Prompt, Document);

    /// <summary>The part shared by consecutive documents with the same instruction (null when there is no document).</summary>
    internal string? SharedHead => Document == null || (string.IsNullOrEmpty(Instruction) && string.IsNullOrEmpty(Prompt))
        ? null
        : Join(Instruction, Prompt, "");

    public void Validate()
    {
        if (Prompt == null && Document == null)
            throw new ArgumentException("a completion needs a prompt or a document", nameof(Prompt));
        if (MaxTokens < 0) throw new ArgumentOutOfRangeException(nameof(MaxTokens), MaxTokens, $"MaxTokens = {MaxTokens} must be >= 0");
        foreach (var s in Stop)
        {
            if (string.IsNullOrEmpty(s)) throw new ArgumentException("a stop string must not be empty", nameof(Stop));
        }
        Sampling.Validate();
    }

    private static string Join(string? a, string? b, string? c)
    {
        var parts = new List<string>(3);
        if (!string.IsNullOrEmpty(a)) parts.Add(a);
        if (!string.IsNullOrEmpty(b)) parts.Add(b);
        if (c != null) parts.Add(c);
        return string.Join("\n\n", parts);
    }
}
