using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Engine.Tests.Tokenization;

public class MalformedVocabularyTests
{
    private static TokenizerFormatException Refused(TokenizerVocabulary v) =>
        Assert.Throws<TokenizerFormatException>(() => Tokenizer.FromVocabulary(v));

    private static TokenizerVocabulary Valid() => BpeMergesTests.ByteVocabulary(["a b", "ab c"], ["<｜User｜>"]);

    private static TokenizerVocabulary With(TokenizerVocabulary v, string[]? tokens = null, TokenKind[]? kinds = null, string[]? merges = null,
        string? pre = null, int? bos = null, int? eos = null, int? pad = null) => new()
    {
        Source = v.Source,
        Tokens = tokens ?? v.Tokens,
        Kinds = kinds ?? v.Kinds,
        Merges = merges ?? v.Merges,
        PreTokenizer = pre ?? v.PreTokenizer,
        BosId = bos ?? v.BosId,
        EosId = eos ?? v.EosId,
        PadId = pad ?? v.PadId,
    };

    [Fact]
    public void TheBaseVocabularyIsAccepted() => Assert.Equal(Valid().Tokens.Length, Tokenizer.FromVocabulary(Valid()).VocabularySize);

    [Fact]
    public void MergeNamingAnUnknownTokenIsRefused()
    {
        var e = Refused(With(Valid(), merges: ["a b", "ab zz"]));
        Assert.Equal(GgufTokenizerKeys.Merges, e.Field);
        Assert.Contains("merge #1", e.Message);
        Assert.Contains("\"zz\"", e.Message);
        Assert.Contains("test-vocabulary", e.Message);
    }

    [Fact]
    public void MergeWhoseResultIsNotATokenIsRefused()
    {
        var e = Refused(With(Valid(), merges: ["a b", "b c"]));
        Assert.Equal(GgufTokenizerKeys.Merges, e.Field);
        Assert.Contains("\"bc\"", e.Message);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("a b c")]
    [InlineData(" a")]
    public void MalformedMergeLineIsRefused(string merge)
    {
        var e = Refused(With(Valid(), merges: [merge]));
        Assert.Equal(GgufTokenizerKeys.Merges, e.Field);
    }

    [Fact]
    public void DuplicateTokenIsRefused()
    {
        var tokens = (string[])Valid().Tokens.Clone();
        tokens[^1] = tokens[^2];
        var e = Refused(With(Valid(), tokens: tokens));
        Assert.Equal(GgufTokenizerKeys.Tokens, e.Field);
        Assert.Contains($"ids {tokens.Length - 2} and {tokens.Length - 1}", e.Message);
    }

    [Theory]
    [InlineData("bos", GgufTokenizerKeys.BosId)]
    [InlineData("eos", GgufTokenizerKeys.EosId)]
    [InlineData("pad", GgufTokenizerKeys.PadId)]
    public void SpecialTokenIdOutOfRangeIsRefused(string which, string field)
    {
        int size = Valid().Tokens.Length;
        var v = which switch
        {
            "bos" => With(Valid(), bos: size),
            "eos" => With(Valid(), eos: size + 100),
            _ => With(Valid(), pad: -1),
        };
        var e = Refused(v);
        Assert.Equal(field, e.Field);
        Assert.Contains("out of range", e.Message);
    }

    [Theory]
    [InlineData("llama3")]
    [InlineData("deepseek-llm")]
    [InlineData("")]
    public void UnknownPreTokenizerNameIsRefused(string name)
    {
        var e = Refused(With(Valid(), pre: name));
        Assert.Equal(GgufTokenizerKeys.PreTokenizer, e.Field);
        Assert.Contains($"\"{name}\"", e.Message);
    }

    [Theory]
    [InlineData("deepseek-v3")]
    [InlineData("deepseek-v4")]
    [InlineData("joyai-llm")]
    public void DeepSeekPreTokenizerNamesAreAccepted(string name) => Tokenizer.FromVocabulary(With(Valid(), pre: name));

    [Fact]
    public void TokenTypeCountMismatchIsRefused()
    {
        var e = Refused(With(Valid(), kinds: Valid().Kinds[..^1]));
        Assert.Equal(GgufTokenizerKeys.TokenTypes, e.Field);
    }

    [Fact]
    public void MissingByteTokenIsRefused()
    {
        var tokens = (string[])Valid().Tokens.Clone();
        int i = Array.IndexOf(tokens, "Ġ");
        tokens[i] = "not-a-byte";
        var e = Refused(With(Valid(), tokens: tokens, merges: []));
        Assert.Contains("0x20", e.Message);
    }

    [Fact]
    public void TokenizerJsonWithAnotherSplitIsRefused()
    {
        const string json = """
            {"added_tokens":[],"normalizer":null,
             "pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true},
             "model":{"type":"BPE","vocab":{"a":0},"merges":[]}}
            """;
        var e = Assert.Throws<TokenizerFormatException>(() => Tokenizer.FromTokenizerJson(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)), null, "other.json"));
        Assert.Equal("pre_tokenizer", e.Field);
        Assert.Contains("other.json", e.Message);
    }

    [Fact]
    public void TokenizerJsonThatIsNotJsonIsRefused()
    {
        var e = Assert.Throws<TokenizerFormatException>(() => Tokenizer.FromTokenizerJson(new MemoryStream("{ not json"u8.ToArray()), null, "broken.json"));
        Assert.Contains("broken.json", e.Message);
    }
}
