namespace DeepSeekV4.Engine.Tokenization;

/// <summary>A piece of pre-tokenized text: <see cref="Start"/> and <see cref="Length"/> in UTF-16 units.</summary>
internal readonly record struct TextPiece(int Start, int Length);

/// <summary>
/// The DeepSeek V3/V4 pre-tokenizer: three ordered "isolated" regex splits (architecture reference §8), each applied to
/// every piece the previous one produced, matches and the text between them both becoming pieces:
/// <code>
///   1. \p{N}{1,3}
///   2. [一-龥぀-ゟ゠-ヿ]+
///   3. [!"#$%&amp;'()*+,\-./:;&lt;=&gt;?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
/// </code>
/// The patterns are matched by hand, per code point, because .NET's Regex sees UTF-16 units: a surrogate pair is two
/// characters of category Cs there, so emoji and supplementary letters would split differently than in the
/// reference (Rust/Oniguruma, which see code points). The tests check this matcher against .NET Regex on BMP text.
/// </summary>
internal static class DeepSeekPreTokenizer
{
    /// <summary>The <c>tokenizer.ggml.pre</c> names that select this split (llama.cpp calls it "joyai-llm" too).</summary>
    public static readonly IReadOnlyList<string> GgufNames = ["deepseek-v3", "deepseek-v4", "joyai-llm"];

    /// <summary>The three split patterns as tokenizer.json spells them.</summary>
    public static readonly IReadOnlyList<string> Patterns =
    [
        @"\p{N}{1,3}",
        "[一-龥぀-ゟ゠-ヿ]+",
        "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+",
    ];

    private const int MaxDigitsPerPiece = 3;

    /// <summary>Appends the pieces of <paramref name="text"/>, in order, covering it exactly.</summary>
    public static void Split(ReadOnlySpan<char> text, List<TextPiece> pieces)
    {
        // Pass 1: runs of \p{N} are cut into groups of up to three code points. Passes 2 and 3 leave such a group
        // whole (no pattern of theirs matches a number), so it is emitted directly.
        int gapStart = 0, i = 0;
        while (i < text.Length)
        {
            var cls = CharacterClasses.At(text, i, out int width);
            if ((cls & CharacterClass.Number) == 0)
            {
                i += width;
                continue;
            }
            SplitCjk(text, gapStart, i, pieces);
            int groupStart = i, digits = 0;
            while (i < text.Length && (CharacterClasses.At(text, i, out width) & CharacterClass.Number) != 0)
            {
                if (digits == MaxDigitsPerPiece)
                {
                    pieces.Add(new TextPiece(groupStart, i - groupStart));
                    groupStart = i;
                    digits = 0;
                }
                i += width;
                digits++;
            }
            pieces.Add(new TextPiece(groupStart, i - groupStart));
            gapStart = i;
        }
        SplitCjk(text, gapStart, text.Length, pieces);
    }

    private static bool IsCjk(char c) => c is >= '\u4E00' and <= '\u9FA5' or >= '\u3040' and <= '\u309F' or >= '\u30A0' and <= '\u30FF';

    // Pass 2 over [start, end): CJK runs and the gaps between them each go to pass 3.
    private static void SplitCjk(ReadOnlySpan<char> text, int start, int end, List<TextPiece> pieces)
    {
        int i = start;
        while (i < end)
        {
            int runStart = i;
            bool cjk = IsCjk(text[i]);
            while (i < end && IsCjk(text[i]) == cjk) i++;
            SplitWords(text[..i], runStart, pieces);
        }
    }

    // Pass 3 over [start, text.Length): the piece ends where the span ends (the lookahead sees the piece end).
    private static void SplitWords(ReadOnlySpan<char> text, int start, List<TextPiece> pieces)
    {
        int gapStart = start, i = start;
        while (i < text.Length)
        {
            int length = MatchAt(text, i);
            if (length == 0)
            {
                CharacterClasses.At(text, i, out int width);
                i += width;
                continue;
            }
            if (gapStart < i) pieces.Add(new TextPiece(gapStart, i - gapStart));
            pieces.Add(new TextPiece(i, length));
            i += length;
            gapStart = i;
        }
        if (gapStart < text.Length) pieces.Add(new TextPiece(gapStart, text.Length - gapStart));
    }

    private static bool IsAsciiLetter(char c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a';

    private static bool IsAsciiPunctuation(char c) => c is >= '!' and <= '/' or >= ':' and <= '@' or >= '[' and <= '`' or >= '{' and <= '~';

    /// <summary>Length of pattern 3's leftmost-first match starting exactly at <paramref name="i"/>, or 0.</summary>
    private static int MatchAt(ReadOnlySpan<char> text, int i)
    {
        int end = text.Length;
        char c0 = text[i];

        // [ASCII punctuation][A-Za-z]+
        if (IsAsciiPunctuation(c0) && i + 1 < end && IsAsciiLetter(text[i + 1]))
        {
            int j = i + 2;
            while (j < end && IsAsciiLetter(text[j])) j++;
            return j - i;
        }

        var k0 = CharacterClasses.At(text, i, out int w0);
        var k1 = i + w0 < end ? CharacterClasses.At(text, i + w0, out _) : CharacterClass.Other;
        const CharacterClass letterOrMark = CharacterClass.Letter | CharacterClass.Mark;
        const CharacterClass punctOrSymbol = CharacterClass.Punctuation | CharacterClass.Symbol;

        // [^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+  (a mark at i is covered by either reading)
        if ((k0 & (CharacterClass.LineBreak | CharacterClass.Letter | punctOrSymbol)) == 0 && (k1 & letterOrMark) != 0)
            return RunOf(text, i + w0, letterOrMark) - i;
        if ((k0 & letterOrMark) != 0)
            return RunOf(text, i, letterOrMark) - i;

        //  ?[\p{P}\p{S}]+[\r\n]*
        int symbolsAt = c0 == ' ' && (k1 & punctOrSymbol) != 0 ? i + 1 : (k0 & punctOrSymbol) != 0 ? i : -1;
        if (symbolsAt >= 0)
        {
            int j = RunOf(text, symbolsAt, punctOrSymbol);
            while (j < end && text[j] is '\r' or '\n') j++;
            return j - i;
        }

        if ((k0 & CharacterClass.Space) == 0) return 0;
        // White space is all in the BMP, one unit per character.
        int runEnd = i + 1;
        int lastBreak = (k0 & CharacterClass.LineBreak) != 0 ? i : -1;
        while (runEnd < end && (CharacterClasses.At(text, runEnd, out _) is var k && (k & CharacterClass.Space) != 0))
        {
            if ((k & CharacterClass.LineBreak) != 0) lastBreak = runEnd;
            runEnd++;
        }
        // \s*[\r\n]+ : greedy \s* backs off to the last line break of the run.
        if (lastBreak >= 0) return lastBreak + 1 - i;
        // \s+(?!\S) : the whole run at the piece end, else all but its last character.
        if (runEnd == end) return runEnd - i;
        if (runEnd - i >= 2) return runEnd - 1 - i;
        // \s+
        return runEnd - i;
    }

    private static int RunOf(ReadOnlySpan<char> text, int j, CharacterClass classes)
    {
        while (j < text.Length)
        {
            var k = CharacterClasses.At(text, j, out int width);
            if ((k & classes) == 0) break;
            j += width;
        }
        return j;
    }
}
