using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Engine.Tests.Tokenization;

/// <summary>The tiny fixture model's 512-token vocabulary, read from its GGUF metadata.</summary>
public class TinyModelVocabularyTests
{
    [Fact]
    public void LoadsFromGgufMetadata()
    {
        var t = TokenizerFixtures.Tiny;
        Assert.Equal(512, t.VocabularySize);
        Assert.Equal(0, t.BosId);
        Assert.Equal(1, t.EosId);
        Assert.Equal(2, t.PadId);
        Assert.Equal("<｜User｜>", t.TokenText(3));
        Assert.Equal(TokenKind.Control, t.GetKind(0));
        Assert.Equal(TokenKind.UserDefined, t.GetKind(5));
        Assert.Null(t.ChatTemplate);
    }

    [Theory]
    [MemberData(nameof(TokenizerFixtures.TinyCaseIndexes), MemberType = typeof(TokenizerFixtures))]
    public void ManifestTokenizerTestsEncodeAndDecode(int index)
    {
        var c = TokenizerFixtures.TinyCases[index];
        Assert.Equal(c.Ids, TokenizerFixtures.Tiny.Encode(c.Text, parseSpecialTokens: true));
        Assert.Equal(c.Text, TokenizerFixtures.Tiny.Decode(c.Ids));
    }

    [Fact]
    public void TextCaseRoundTripsWithBos()
    {
        var (promptIds, text) = TokenizerFixtures.TinyTextCase();
        Assert.NotNull(text);
        var t = TokenizerFixtures.Tiny;
        int[] expected = promptIds;
        Assert.Equal(expected, new[] { t.BosId }.Concat(t.Encode(text)).ToArray());
        Assert.Equal(text, t.Decode(promptIds.AsSpan(1)));
    }
}
