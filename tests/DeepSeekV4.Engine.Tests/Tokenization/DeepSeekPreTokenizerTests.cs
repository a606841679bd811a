using System.Text;
using System.Text.RegularExpressions;
using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Engine.Tests.Tokenization;

public class DeepSeekPreTokenizerTests
{
    // On text without surrogate pairs .NET Regex sees exactly the code points the reference sees, so the three
    // published patterns, run as ordered isolated splits, are an independent oracle for the hand-written matcher.
    private static readonly Regex[] ReferenceSplits = DeepSeekPreTokenizer.Patterns.Select(p => new Regex(p, RegexOptions.CultureInvariant)).ToArray();

    private static List<string> ReferenceSplit(string text)
    {
        var pieces = new List<string> { text };
        foreach (var regex in ReferenceSplits)
        {
            var next = new List<string>();
            foreach (var piece in pieces)
            {
                int at = 0;
                foreach (Match m in regex.Matches(piece))
                {
                    if (m.Index > at) next.Add(piece[at..m.Index]);
                    next.Add(m.Value);
                    at = m.Index + m.Length;
                }
                if (at < piece.Length) next.Add(piece[at..]);
            }
            pieces = next;
        }
        return pieces;
    }

    private static List<string> Split(string text)
    {
        var pieces = new List<TextPiece>();
        DeepSeekPreTokenizer.Split(text, pieces);
        return pieces.Select(p => text.Substring(p.Start, p.Length)).ToList();
    }

    // Letters, marks, numbers of several kinds, punctuation, symbols, every sort of white space, CJK boundaries, format characters.
    private const string Alphabet =
        "aZk'\"-.,;:!?#$%&*+/<=>@[\\]^_`{|}~()" + "0179" + "½²Ⅻ٣" + "  \t\r\n\v\f\u0085\u00A0\u2009\u3000\u2028" +
        "éßñ\u0301\u0308\u094D\u093Fनकжд\u05D0\u0627" + "一龥ぁゟ゠ーカ・゛\u3099中" + "€©™°§¶—“”…" + "\u200D\uFE0F\u200B\u0000\u001F";

    [Fact]
    public void MatchesThePublishedRegexesOnRandomBmpText()
    {
        var rng = new Random(20261122);
        var sb = new StringBuilder();
        for (int trial = 0; trial < 4000; trial++)
        {
            sb.Clear();
            int length = rng.Next(0, 24);
            for (int i = 0; i < length; i++) sb.Append(Alphabet[rng.Next(Alphabet.Length)]);
            string text = sb.ToString();
            Assert.True(ReferenceSplit(text).SequenceEqual(Split(text)),
                $"text {Escape(text)}: expected [{string.Join(" | ", ReferenceSplit(text).Select(Escape))}] got [{string.Join(" | ", Split(text).Select(Escape))}]");
        }
    }

    [Theory]
    [InlineData("Hello world", new[] { "Hello", " world" })]
    [InlineData("1234567", new[] { "123", "456", "7" })]
    [InlineData("a  b", new[] { "a", " ", " b" })]
    [InlineData("x \n\n y", new[] { "x", " \n\n", " y" })]
    [InlineData("end  ", new[] { "end", "  " })]
    [InlineData("'tis don't", new[] { "'tis", " don", "'t" })]
    [InlineData("中文abc", new[] { "中文", "abc" })]
    public void SplitsKnownExamples(string text, string[] expected) => Assert.Equal(expected, Split(text));

    [Fact]
    public void SupplementaryCharactersAreClassifiedByCodePoint()
    {
        // U+1D400 MATHEMATICAL BOLD CAPITAL A is a letter (one pre-token with the following ASCII letters);
        // U+1F600 is a symbol, grouped with the following punctuation; U+1D7CE..U+1D7D1 are four decimal digits.
        Assert.Equal(new[] { " \U0001D400bc" }, Split(" \U0001D400bc"));
        Assert.Equal(new[] { "x", " \U0001F600!!" }, Split("x \U0001F600!!"));
        Assert.Equal(new[] { "\U0001D7CE\U0001D7CF\U0001D7D0", "\U0001D7D1" }, Split("\U0001D7CE\U0001D7CF\U0001D7D0\U0001D7D1"));
    }

    [Fact]
    public void PiecesCoverTheTextExactly()
    {
        string text = "a\uD800b \uDC00 lone surrogates\U0001F600";
        Assert.Equal(text, string.Concat(Split(text)));
    }

    private static string Escape(string s) =>
        string.Concat(s.Select(c => c is >= ' ' and < '\u007F' ? c.ToString() : $"\\u{(int)c:X4}"));
}
