namespace DeepSeekV4.Corpus.Tokenization;

/// <summary>
/// The added (special) tokens of DeepSeek V4's vocabulary that carry meaning, spelled exactly as the real tokenizer
/// spells them: V3's set (sentence markers, fill-in-the-middle, chat roles, tool calls) plus V4's thinking, DSML
/// tool-call and task tokens (architecture reference §8). The 1,000-odd numbered placeholders are left out.
/// </summary>
public static class DeepSeekV4AddedTokens
{
    public const string Bos = "<｜begin▁of▁sentence｜>";
    public const string Eos = "<｜end▁of▁sentence｜>";
    public const string Pad = "<｜▁pad▁｜>";
    public const string User = "<｜User｜>";
    public const string Assistant = "<｜Assistant｜>";
    public const string ThinkStart = "<think>";
    public const string ThinkEnd = "</think>";

    public static readonly IReadOnlyList<string> All =
    [
        Bos, Eos, Pad,
        "<｜fim▁hole｜>", "<｜fim▁begin｜>", "<｜fim▁end｜>",
        User, Assistant, "<|EOT|>",
        "<｜tool▁calls▁begin｜>", "<｜tool▁calls▁end｜>", "<｜tool▁call▁begin｜>", "<｜tool▁call▁end｜>",
        "<｜tool▁outputs▁begin｜>", "<｜tool▁outputs▁end｜>", "<｜tool▁output▁begin｜>", "<｜tool▁output▁end｜>", "<｜tool▁sep｜>",
        ThinkStart, ThinkEnd, "｜DSML｜", "<｜latest_reminder｜>",
        "<｜action｜>", "<｜query｜>", "<｜authority｜>", "<｜domain｜>", "<｜title｜>", "<｜read_url｜>", "<｜extracted_url｜>",
    ];
}
