using System.Text.RegularExpressions;

namespace DeepSeekV4.Corpus.ChatSamples;

/// <summary>Sentence boundaries in prose: after . ! ? and whitespace, before a capital, digit, slash, quote or parenthesis.</summary>
public static partial class Sentences
{
    /// <summary>The text's sentences, whitespace folded to single spaces.</summary>
    public static List<string> Split(string text)
    {
        string folded = Whitespace().Replace(text, " ").Trim();
        return [.. SentenceEnd().Split(folded).Select(s => s.Trim()).Where(s => s.Length > 0)];
    }

    public static int WordCount(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"(?<=[a-z0-9)\]""'][.!?])\s+(?=[A-Z0-9/""'(])")]
    private static partial Regex SentenceEnd();
}
