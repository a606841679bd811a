using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Engine.Tests.Tokenization;

public class BpeMergesTests
{
    /// <summary>A vocabulary of the 256 byte tokens plus the results of <paramref name="merges"/>, in merge order.</summary>
    internal static TokenizerVocabulary ByteVocabulary(string[] merges, string[]? extraTokens = null)
    {
        var tokens = new List<string> { "<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>" };
        var kinds = new List<TokenKind> { TokenKind.Control, TokenKind.Control };
        foreach (var t in extraTokens ?? [])
        {
            tokens.Add(t);
            kinds.Add(TokenKind.UserDefined);
        }
        for (int b = 0; b < 256; b++)
        {
            tokens.Add(ByteLevelMapping.ByteToChar((byte)b).ToString());
            kinds.Add(TokenKind.Normal);
        }
        foreach (var m in merges)
        {
            string joined = m.Replace(" ", "");
            if (tokens.Contains(joined)) continue;
            tokens.Add(joined);
            kinds.Add(TokenKind.Normal);
        }
        return new TokenizerVocabulary
        {
            Source = "test-vocabulary",
            Tokens = tokens.ToArray(),
            Kinds = kinds.ToArray(),
            Merges = merges,
            PreTokenizer = "deepseek-v3",
        };
    }

    private static string[] Pieces(Tokenizer t, string text) => t.Encode(text).Select(t.TokenText).ToArray();

    [Fact]
    public void LowerRankMergesFirst()
    {
        Assert.Equal(new[] { "ab", "c" }, Pieces(Tokenizer.FromVocabulary(ByteVocabulary(["a b", "b c"])), "abc"));
        Assert.Equal(new[] { "a", "bc" }, Pieces(Tokenizer.FromVocabulary(ByteVocabulary(["b c", "a b"])), "abc"));
    }

    [Fact]
    public void EqualPairsMergeLeftmostFirst()
    {
        Assert.Equal(new[] { "aa", "a" }, Pieces(Tokenizer.FromVocabulary(ByteVocabulary(["a a"])), "aaa"));
    }

    [Fact]
    public void MergedTokensMergeFurther()
    {
        var t = Tokenizer.FromVocabulary(ByteVocabulary(["h e", "l l", "he ll", "hell o"]));
        Assert.Equal(new[] { "hello" }, Pieces(t, "hello"));
        Assert.Equal(new[] { "hell" }, Pieces(t, "hell"));
        Assert.Equal(new[] { "he", "l" }, Pieces(t, "hel"));
    }

    [Fact]
    public void LongPreTokenMergesInRounds()
    {
        // 10,000 a's: "a a" pairs them all (5,000 "aa"), then "aa aa" pairs those (2,500 "aaaa").
        var t = Tokenizer.FromVocabulary(ByteVocabulary(["a a", "aa aa"]));
        var pieces = Pieces(t, new string('a', 10_000));
        Assert.Equal(2500, pieces.Length);
        Assert.All(pieces, p => Assert.Equal("aaaa", p));
    }

    [Fact]
    public void BytesOfMultiByteCharactersUseTheByteMapping()
    {
        var t = Tokenizer.FromVocabulary(ByteVocabulary([]));
        int[] ids = t.Encode("é");
        Assert.Equal(new[] { "Ã", "©" }, ids.Select(t.TokenText)); // U+00E9 = C3 A9
        Assert.Equal("é", t.Decode(ids));
    }
}
