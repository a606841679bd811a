using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;
using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4.Synthetic;

public class SyntheticVocabularyTests
{
    [Theory]
    [InlineData(263)]
    [InlineData(512)]
    [InlineData(129280)]
    public void EveryMergeJoinsTwoEarlierTokensIntoTheNextNewToken(int size)
    {
        var v = SyntheticVocabulary.Create(size);
        Assert.Equal(size, v.Tokens.Length);
        Assert.Equal(size, v.TokenTypes.Length);
        Assert.Equal(size - 263, v.Merges.Length);
        Assert.Equal(size, v.Tokens.Distinct(StringComparer.Ordinal).Count());

        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < v.Tokens.Length; i++) ids[v.Tokens[i]] = i;
        for (int r = 0; r < v.Merges.Length; r++)
        {
            string[] parts = v.Merges[r].Split(' ');
            Assert.Equal(2, parts.Length);
            int made = 263 + r;
            Assert.True(ids.TryGetValue(parts[0], out int left) && left < made, $"merge {r} '{v.Merges[r]}': left part unknown or later");
            Assert.True(ids.TryGetValue(parts[1], out int right) && right < made, $"merge {r} '{v.Merges[r]}': right part unknown or later");
            Assert.Equal(parts[0] + parts[1], v.Tokens[made]);
            Assert.Equal(1, v.TokenTypes[made]);
        }
    }

    [Fact]
    public void SpecialsAndByteTokensAreTheFixturesIdForId()
    {
        using var fixture = GgufFile.Open(FixturePaths.TinyModelF16);
        var tokens = fixture.Metadata["tokenizer.ggml.tokens"].Array!.As<string>();
        var types = fixture.Metadata["tokenizer.ggml.token_type"].Array!.As<int>();
        var v = SyntheticVocabulary.Create(129280);
        Assert.Equal(tokens[..263], v.Tokens[..263]);
        Assert.Equal(types[..263], v.TokenTypes[..263]);
    }

    [Fact]
    public void LearnedMergesComeFirstAndFollowEnglishFrequencies()
    {
        var v = SyntheticVocabulary.Create(512);
        // "Ġ" is GPT-2's character for a space: " t" (the, to, that, ...) is the most frequent pair of any English text.
        Assert.Equal("Ġ t", v.Merges[0]);
        Assert.Contains("Ġthe", v.Tokens);
    }

    [Theory]
    [InlineData(512)]
    [InlineData(129280)]
    public void TheProjectsTokenizerLoadsItFromTheGgufAndRoundTripsText(int size)
    {
        var spec = SyntheticModelSpec.ForPreset(SyntheticPreset.Tiny) with { VocabularySize = size };
        var image = new MemoryStream();
        var writer = new GgufWriter();
        foreach (var (key, value) in SyntheticMetadata.Build(spec, SyntheticWeightMix.F16, 1, SyntheticVocabulary.Create(size)))
            writer.AddMetadata(key, value);
        writer.WriteTo(image);
        using var file = GgufFile.FromBytes(image.ToArray());
        var tokenizer = Tokenizer.FromGguf(file);

        Assert.Equal(size, tokenizer.VocabularySize);
        Assert.Equal(0, tokenizer.BosId);
        Assert.Equal(1, tokenizer.EosId);
        const string text = "<｜User｜>The weather in the morning: 2024 ünïcödé 🙂 <think>";
        int[] ids = tokenizer.Encode(text, parseSpecialTokens: true);
        Assert.Equal(text, tokenizer.Decode(ids));
        Assert.Equal(3, ids[0]);
        Assert.Equal(5, ids[^1]);
        Assert.Contains(tokenizer.FindToken("Ġthe")!.Value, ids); // a learned merge is used
    }
}
