using System.Text;

namespace DeepSeekV4.Engine.Tokenization;

/// <summary>
/// Turns a <see cref="ChatPrompt"/> into token ids in DeepSeek's chat format (architecture reference §8):
/// <code>
///   BOS {system} &lt;｜User｜&gt;{user}&lt;｜Assistant｜&gt;&lt;/think&gt;{answer}&lt;｜end▁of▁sentence｜&gt; … &lt;｜User｜&gt;{user}&lt;｜Assistant｜&gt;&lt;think&gt;
/// </code>
/// The vocabulary file's chat template is used when it is one of DeepSeek's formats (recognised by its markers; no
/// general Jinja engine); otherwise the built-in V4 encoding, and <see cref="ChatEncoding.TemplateDescription"/>
/// says which and why. Template text is encoded with special tokens parsed; content only when the prompt asks.
/// </summary>
public sealed class ChatEncoder
{
    private const string UserToken = "<｜User｜>";
    private const string AssistantToken = "<｜Assistant｜>";
    private const string ThinkStart = "<think>";
    private const string ThinkEnd = "</think>";

    private readonly Tokenizer _tokenizer;

    public ChatTemplateKind Template { get; }
    public string TemplateDescription { get; }

    public ChatEncoder(Tokenizer tokenizer) : this(tokenizer, tokenizer.ChatTemplate) { }

    /// <param name="chatTemplate">A Jinja chat template (GGUF <c>tokenizer.chat_template</c>), or null for the built-in format.</param>
    public ChatEncoder(Tokenizer tokenizer, string? chatTemplate)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        _tokenizer = tokenizer;
        foreach (string role in new[] { UserToken, AssistantToken })
            if (tokenizer.FindToken(role) is not int id || !tokenizer.IsSpecial(id))
                throw new TokenizerFormatException(tokenizer.Source, tokenizer.Vocabulary.FieldNames.Tokens,
                    $"the vocabulary has no added token \"{role}\", which DeepSeek's chat format needs");
        (Template, TemplateDescription) = Recognize(chatTemplate);
    }

    /// <summary>Which DeepSeek format a chat template renders, judged by the role and thinking markers it emits.</summary>
    public static (ChatTemplateKind Kind, string Description) Recognize(string? chatTemplate)
    {
        if (string.IsNullOrWhiteSpace(chatTemplate))
            return (ChatTemplateKind.BuiltInDeepSeekV4, "built-in DeepSeek V4 encoding (the vocabulary file has no chat template)");
        bool roles = chatTemplate.Contains(UserToken, StringComparison.Ordinal) && chatTemplate.Contains(AssistantToken, StringComparison.Ordinal);
        if (roles && chatTemplate.Contains(ThinkEnd, StringComparison.Ordinal))
            return (ChatTemplateKind.FileDeepSeekV4, "the file's chat template (DeepSeek V3.1/V4 format with thinking)");
        if (roles)
            return (ChatTemplateKind.FileDeepSeekV3, "the file's chat template (DeepSeek V3 format, no thinking)");
        return (ChatTemplateKind.BuiltInDeepSeekV4, "built-in DeepSeek V4 encoding (the file's chat template is not a DeepSeek format this engine understands)");
    }

    public ChatEncoding Encode(ChatPrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var builder = new PromptBuilder(_tokenizer, prompt.ParseSpecialTokensInContent);
        if (prompt.AddBos) builder.Template(_tokenizer.TokenText(_tokenizer.BosId));
        if (!string.IsNullOrEmpty(prompt.SystemPrompt)) builder.Content(prompt.SystemPrompt);
        string description = TemplateDescription;
        if (Template == ChatTemplateKind.FileDeepSeekV3)
        {
            RenderV3(prompt.Turns, builder);
            if (prompt.Thinking) description += "; thinking was asked for but this format has none";
        }
        else
        {
            RenderV4(prompt.Turns, prompt.Thinking, builder);
        }
        var (ids, text) = builder.Build();
        return new ChatEncoding(ids, text, Template, description);
    }

    // DeepSeek V4 (encoding_dsv4): after a user turn that ends the prompt or is answered, the assistant opener and
    // the thinking switch follow; reasoning is kept only for replies after the last user turn.
    private void RenderV4(IReadOnlyList<ChatTurn> turns, bool thinking, PromptBuilder b)
    {
        int lastUser = -1;
        for (int i = 0; i < turns.Count; i++)
            if (turns[i].Role == ChatRole.User) lastUser = i;
        for (int i = 0; i < turns.Count; i++)
        {
            var turn = turns[i];
            if (turn.Role == ChatRole.User)
            {
                b.Template(UserToken);
                b.Content(turn.Content);
                bool answeredOrLast = i + 1 == turns.Count || turns[i + 1].Role == ChatRole.Assistant;
                if (answeredOrLast)
                {
                    b.Template(AssistantToken);
                    b.Template(thinking && i >= lastUser ? ThinkStart : ThinkEnd);
                }
            }
            else
            {
                if (thinking && i > lastUser)
                {
                    b.Content(turn.Reasoning ?? "");
                    b.Template(ThinkEnd);
                }
                b.Content(turn.Content);
                b.Template(_tokenizer.TokenText(_tokenizer.EosId));
            }
        }
    }

    // DeepSeek V3: <｜User｜>{user} … <｜Assistant｜>{answer}<｜end▁of▁sentence｜>, and the opener after a final user turn.
    private void RenderV3(IReadOnlyList<ChatTurn> turns, PromptBuilder b)
    {
        foreach (var turn in turns)
        {
            if (turn.Role == ChatRole.User)
            {
                b.Template(UserToken);
                b.Content(turn.Content);
            }
            else
            {
                b.Template(AssistantToken);
                b.Content(turn.Content);
                b.Template(_tokenizer.TokenText(_tokenizer.EosId));
            }
        }
        if (turns.Count > 0 && turns[^1].Role == ChatRole.User) b.Template(AssistantToken);
    }

    /// <summary>
    /// Collects template and content text, then encodes it as one string in which only the template parts (and content
    /// when allowed) may contain added tokens, so ids equal a one-string encoding wherever the content holds none.
    /// </summary>
    private sealed class PromptBuilder(Tokenizer tokenizer, bool parseContent)
    {
        private readonly StringBuilder _text = new();
        private readonly List<(int Start, int Length, bool Parse)> _segments = [];

        public void Template(string text) => Add(text, parse: true);

        public void Content(string text) => Add(text, parseContent);

        private void Add(string text, bool parse)
        {
            _segments.Add((_text.Length, text.Length, parse));
            _text.Append(text);
        }

        public (int[] Ids, string Text) Build()
        {
            string text = _text.ToString();
            var ids = new List<int>(text.Length / 3 + 8);
            int plainStart = 0;
            foreach (var (start, length, parse) in _segments)
            {
                if (!parse) continue;
                var segment = text.AsSpan(start, length);
                int at = 0;
                while (tokenizer.FindAddedToken(segment, at, out int index, out int tokenLength, out int id))
                {
                    tokenizer.EncodePlain(text.AsSpan(plainStart, start + index - plainStart), ids);
                    ids.Add(id);
                    at = index + tokenLength;
                    plainStart = start + at;
                }
            }
            tokenizer.EncodePlain(text.AsSpan(plainStart), ids);
            return (ids.ToArray(), text);
        }
    }
}
