using System.Text.RegularExpressions;

namespace DeepSeekV4.Corpus.Summaries;

/// <summary>
/// An extractive one-sentence summary in Luhn's manner: the sentence whose content words recur most elsewhere in
/// the text (each distinct word counts its occurrences in the other sentences; the sum is divided by the square root
/// of the sentence's content-word count, so long sentences do not win by length). Ties go to the earlier sentence.
/// Candidates can be limited to the text's last words: a model this small copies only from its attention window.
/// </summary>
public static partial class KeySentence
{
    public const int MinWords = 6;
    public const int MaxWords = 40;

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "has", "have", "had", "its", "was", "were",
        "will", "with", "this", "that", "these", "those", "from", "into", "onto", "than", "then", "them", "they", "their",
        "there", "here", "when", "where", "which", "while", "who", "whom", "what", "why", "how", "each", "other", "some",
        "such", "only", "also", "may", "must", "should", "would", "could", "does", "did", "doing", "done", "been", "being",
        "one", "two", "use", "used", "using", "see", "more", "most", "less", "very", "just", "over", "under", "about",
        "after", "before", "again", "same", "both", "either", "neither", "because", "until", "upon", "via", "per", "our",
        "your", "his", "her", "him", "she", "out", "off", "own", "too", "nor", "yet", "now", "way", "well", "even",
        "many", "much", "every", "another", "between", "within", "without", "through", "following", "example", "note",
    };

    /// <summary>
    /// The chosen sentence (whitespace folded to single spaces) among those starting within the last
    /// <paramref name="tailWords"/> words (all when 0), or null when no candidate has 6–40 words.
    /// </summary>
    public static string? Choose(string text, int tailWords = 0)
    {
        var sentences = Sentences(text);
        int wordsAfter = sentences.Sum(WordCount);
        var words = sentences.Select(ContentWords).ToList();
        var total = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var list in words)
            foreach (string w in list) total[w] = total.GetValueOrDefault(w) + 1;

        string? best = null;
        double bestScore = double.NegativeInfinity;
        for (int i = 0; i < sentences.Count; i++)
        {
            int count = WordCount(sentences[i]);
            bool inTail = tailWords <= 0 || wordsAfter <= tailWords;
            wordsAfter -= count;
            if (!inTail || count < MinWords || count > MaxWords || words[i].Count == 0) continue;
            var own = words[i].GroupBy(w => w).ToDictionary(g => g.Key, g => g.Count());
            double score = own.Sum(kv => total[kv.Key] - kv.Value) / Math.Sqrt(words[i].Count);
            if (score > bestScore)
            {
                (best, bestScore) = (sentences[i], score);
            }
        }
        return best;
    }

    /// <summary>
    /// The chosen sentence as it stands in <paramref name="text"/> (line breaks kept), so that an answer is an exact
    /// copy of the document's tokens; null as <see cref="Choose"/>.
    /// </summary>
    public static string? ChooseVerbatim(string text, int tailWords = 0)
    {
        if (Choose(text, tailWords) is not string folded) return null;
        string pattern = string.Join(@"\s+", folded.Split(' ').Select(Regex.Escape));
        var matches = Regex.Matches(text, pattern);
        return matches.Count > 0 ? matches[^1].Value : null;
    }

    /// <summary>The text's sentences: whitespace folded, split after . ! ? before a capital, digit, slash or quote.</summary>
    public static List<string> Sentences(string text)
    {
        string folded = Whitespace().Replace(text, " ").Trim();
        return [.. SentenceEnd().Split(folded).Select(s => s.Trim()).Where(s => s.Length > 0)];
    }

    public static List<string> ContentWords(string sentence) =>
        [.. Word().Matches(sentence.ToLowerInvariant()).Select(m => m.Value).Where(w => w.Length >= 3 && !StopWords.Contains(w))];

    public static int WordCount(string sentence) => sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"(?<=[a-z0-9)\]""'][.!?])\s+(?=[A-Z0-9/""'(])")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"[a-z][a-z0-9_]*(?:-[a-z0-9_]+)*")]
    private static partial Regex Word();
}
