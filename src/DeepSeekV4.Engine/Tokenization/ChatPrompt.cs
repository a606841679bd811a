namespace DeepSeekV4.Engine.Tokenization;

public enum ChatRole
{
    User,
    Assistant,
}

/// <summary>One turn of a conversation. <see cref="Reasoning"/> is an assistant turn's thinking text, if kept.</summary>
public sealed record ChatTurn(ChatRole Role, string Content, string? Reasoning = null)
{
    public static ChatTurn User(string content) => new(ChatRole.User, content);
    public static ChatTurn Assistant(string content, string? reasoning = null) => new(ChatRole.Assistant, content, reasoning);
}

/// <summary>What to encode: a system prompt, the turns so far, and whether the model should think before answering.</summary>
public sealed class ChatPrompt
{
    public string? SystemPrompt { get; init; }
    public IReadOnlyList<ChatTurn> Turns { get; init; } = [];

    /// <summary>Thinking mode: the reply opens with <c>&lt;think&gt;</c>; off, it opens with <c>&lt;/think&gt;</c> (answer directly).</summary>
    public bool Thinking { get; init; }

    /// <summary>
    /// Whether special-token strings inside the system prompt and the turns become special tokens. Off by default:
    /// content (documents, piped files) is plain text and cannot end a turn or open a new one.
    /// </summary>
    public bool ParseSpecialTokensInContent { get; init; }

    /// <summary>Whether the prompt starts with BOS (true for a new conversation).</summary>
    public bool AddBos { get; init; } = true;

    public static ChatPrompt FromUser(string userContent, string? systemPrompt = null, bool thinking = false) =>
        new() { SystemPrompt = systemPrompt, Turns = [ChatTurn.User(userContent)], Thinking = thinking };
}

/// <summary>Which chat format produced a prompt.</summary>
public enum ChatTemplateKind
{
    /// <summary>The built-in DeepSeek V4 encoding (the file has no chat template, or one this engine does not understand).</summary>
    BuiltInDeepSeekV4,
    /// <summary>The file's chat template, recognised as DeepSeek's V3.1/V4 format (thinking on/off).</summary>
    FileDeepSeekV4,
    /// <summary>The file's chat template, recognised as DeepSeek V3's format (no thinking).</summary>
    FileDeepSeekV3,
}

/// <summary>An encoded prompt: the ids, the text they spell, and which chat format was used (and why).</summary>
public sealed record ChatEncoding(int[] Ids, string Text, ChatTemplateKind Template, string TemplateDescription);
