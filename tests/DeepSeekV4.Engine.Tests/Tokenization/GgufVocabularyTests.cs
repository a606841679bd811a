using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Engine.Tests.Tokenization;

/// <summary>Vocabularies carried in GGUF metadata: written by our writer, read back, and refused when malformed.</summary>
public class GgufVocabularyTests
{
    private static GgufFile ToGguf(Action<GgufWriter> fill, string name)
    {
        var writer = new GgufWriter();
        writer.AddMetadata("general.architecture", "deepseek4");
        fill(writer);
        using var ms = new MemoryStream();
        writer.WriteTo(ms);
        return GgufFile.FromBytes(ms.ToArray(), name);
    }

    private static readonly Lazy<Tokenizer> DeepSeekFromGguf = new(() =>
    {
        using var file = ToGguf(w => GgufTokenizerMetadata.Write(TokenizerFixtures.DeepSeek.Vocabulary, w), "deepseek-v3-vocab.gguf");
        return Tokenizer.FromGguf(file);
    });

    [Theory]
    [MemberData(nameof(TokenizerFixtures.DeepSeekCaseIndexes), MemberType = typeof(TokenizerFixtures))]
    public void GgufWrittenFromTokenizerJsonTokenizesEveryCaseIdentically(int index)
    {
        var c = TokenizerFixtures.DeepSeekCases[index];
        Assert.Equal(c.Ids, DeepSeekFromGguf.Value.Encode(c.Text, parseSpecialTokens: true));
        Assert.Equal(c.Text, DeepSeekFromGguf.Value.Decode(c.Ids));
    }

    [Fact]
    public void GgufWrittenFromTokenizerJsonKeepsSizeSpecialIdsAndTemplate()
    {
        var json = TokenizerFixtures.DeepSeek;
        var gguf = DeepSeekFromGguf.Value;
        Assert.Equal(json.VocabularySize, gguf.VocabularySize);
        Assert.Equal((json.BosId, json.EosId, json.PadId), (gguf.BosId, gguf.EosId, gguf.PadId));
        Assert.Equal(json.ChatTemplate, gguf.ChatTemplate);
        Assert.Equal(Enumerable.Range(0, json.VocabularySize).Select(json.GetKind), Enumerable.Range(0, gguf.VocabularySize).Select(gguf.GetKind));
    }

    private static TokenizerVocabulary Small => BpeMergesTests.ByteVocabulary(["a b"]);

    private static TokenizerFormatException Refused(Action<GgufWriter> fill)
    {
        using var file = ToGguf(fill, "bad-vocab.gguf");
        var e = Assert.Throws<TokenizerFormatException>(() => Tokenizer.FromGguf(file));
        Assert.Contains("bad-vocab.gguf", e.Message);
        return e;
    }

    private static void WriteExcept(GgufWriter w, string skippedKey, Action<GgufWriter>? replace = null)
    {
        var full = new GgufWriter();
        GgufTokenizerMetadata.Write(Small, full);
        using var ms = new MemoryStream();
        full.WriteTo(ms);
        using var file = GgufFile.FromBytes(ms.ToArray());
        foreach (var key in file.MetadataKeys)
            if (key != skippedKey) w.AddMetadata(key, file.Metadata[key]);
        replace?.Invoke(w);
    }

    [Fact]
    public void SmallVocabularyRoundTrips()
    {
        using var file = ToGguf(w => GgufTokenizerMetadata.Write(Small, w), "small.gguf");
        var t = Tokenizer.FromGguf(file);
        Assert.Equal(new[] { "ab" }, t.Encode("ab").Select(t.TokenText));
    }

    [Fact]
    public void MissingMergesAreRefused()
    {
        var e = Refused(w => WriteExcept(w, GgufTokenizerKeys.Merges));
        Assert.Equal(GgufTokenizerKeys.Merges, e.Field);
        Assert.Contains("missing", e.Message);
    }

    [Fact]
    public void MissingTokensAreRefused() =>
        Assert.Equal(GgufTokenizerKeys.Tokens, Refused(w => WriteExcept(w, GgufTokenizerKeys.Tokens)).Field);

    [Fact]
    public void OtherTokenizerModelIsRefused()
    {
        var e = Refused(w => WriteExcept(w, GgufTokenizerKeys.Model, r => r.AddMetadata(GgufTokenizerKeys.Model, "llama")));
        Assert.Equal(GgufTokenizerKeys.Model, e.Field);
        Assert.Contains("\"llama\"", e.Message);
    }

    [Fact]
    public void UnknownPreTokenizerNameIsRefused()
    {
        var e = Refused(w => WriteExcept(w, GgufTokenizerKeys.PreTokenizer, r => r.AddMetadata(GgufTokenizerKeys.PreTokenizer, "qwen2")));
        Assert.Equal(GgufTokenizerKeys.PreTokenizer, e.Field);
        Assert.Contains("\"qwen2\"", e.Message);
    }

    [Fact]
    public void MissingPreTokenizerNameIsRefused() =>
        Assert.Equal(GgufTokenizerKeys.PreTokenizer, Refused(w => WriteExcept(w, GgufTokenizerKeys.PreTokenizer)).Field);

    [Fact]
    public void MergesOfTheWrongTypeAreRefused()
    {
        var e = Refused(w => WriteExcept(w, GgufTokenizerKeys.Merges, r => r.AddMetadata(GgufTokenizerKeys.Merges, new[] { 1, 2 })));
        Assert.Equal(GgufTokenizerKeys.Merges, e.Field);
    }

    [Fact]
    public void UnknownTokenTypeIsRefused()
    {
        int[] types = Array.ConvertAll(Small.Kinds, k => (int)k);
        types[7] = 9;
        var e = Refused(w => WriteExcept(w, GgufTokenizerKeys.TokenTypes, r => r.AddMetadata(GgufTokenizerKeys.TokenTypes, types)));
        Assert.Equal(GgufTokenizerKeys.TokenTypes, e.Field);
        Assert.Contains("token 7", e.Message);
    }

    [Fact]
    public void BosIdOutOfRangeIsRefused()
    {
        var e = Refused(w => WriteExcept(w, GgufTokenizerKeys.BosId, r => r.AddMetadata(GgufTokenizerKeys.BosId, 100000u)));
        Assert.Equal(GgufTokenizerKeys.BosId, e.Field);
        Assert.Contains("100000", e.Message);
    }
}
