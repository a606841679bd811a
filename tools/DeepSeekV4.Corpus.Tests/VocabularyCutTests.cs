using System.Text.Json;
using DeepSeekV4.Corpus.Tokenization;
using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Corpus.Tests;

public sealed class VocabularyCutTests
{
    private static readonly string[] Samples =
    [
        "ls -la /etc/apt/sources.list.d/ && sudo apt-get update",
        "The quick brown fox jumps over the lazy dog.\n\n  Indented line\twith tab\r\nCRLF",
        "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle';",
        "def main():\n    print(\"héllo wörld\", 12345678, 3.14159)\n",
        "日本語のテキスト 你好世界 — ünïcödé, emoji 🙂🚀, zero\u200Bwidth, NUL\0, \u0001 control",
        "<｜User｜> is plain text here, and so is <think>",
    ];

    private static TokenizerVocabulary Cut(int size = VocabularyCut.DefaultSize) => VocabularyCut.Cut(RepositoryFiles.FullVocabulary, size);

    [Theory]
    [InlineData(VocabularyCut.DefaultSize)]
    [InlineData(VocabularyCut.MaxSize)]
    public void Cut_has_the_requested_size_bytes_merges_and_the_added_tokens_at_the_end(int size)
    {
        var v = Cut(size);
        int added = DeepSeekV4AddedTokens.All.Count;
        Assert.Equal(size, v.Tokens.Length);
        Assert.Equal(size - 256 - added, v.Merges.Length);
        Assert.Equal(DeepSeekV4AddedTokens.All, v.Tokens[^added..]);
        Assert.All(v.Kinds[^added..], k => Assert.Equal(TokenKind.Control, k));
        Assert.All(v.Kinds[..^added], k => Assert.Equal(TokenKind.Normal, k));
        for (int b = 0; b < 256; b++) Assert.Contains(ByteLevelMapping.ByteToChar((byte)b).ToString(), v.Tokens);
        Assert.Equal(size - added, v.BosId);
        Assert.Equal(size - added + 1, v.EosId);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(VocabularyCut.MaxSize + 1)]
    public void Cut_refuses_sizes_outside_the_range_and_names_the_limits(int size)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Cut(size));
        Assert.Contains($"{VocabularyCut.MinSize}..{VocabularyCut.MaxSize}", e.Message);
    }

    [Fact]
    public void Cut_tokenizer_round_trips_text_byte_for_byte()
    {
        var t = Tokenizer.FromVocabulary(Cut());
        foreach (string s in Samples)
        {
            int[] ids = t.Encode(s);
            Assert.All(ids, id => Assert.False(t.IsSpecial(id)));
            Assert.Equal(s, t.Decode(ids));
        }
    }

    // Independent expected ids: cases.jsonl holds ids from another implementation of the full DeepSeek tokenizer.
    // Wherever those tokens all lie inside the cut, BPE with the merge prefix must make exactly the same tokens.
    [Theory]
    [InlineData(VocabularyCut.DefaultSize, 6)]
    [InlineData(VocabularyCut.MaxSize, 6)]
    public void Cut_tokenizes_like_the_full_tokenizer_wherever_the_full_tokens_fall_inside_the_cut(int size, int minCases)
    {
        var cut = Tokenizer.FromVocabulary(Cut(size));
        var full = RepositoryFiles.FullVocabulary;
        int compared = 0;
        foreach (string line in File.ReadLines(RepositoryFiles.TokenizerCases))
        {
            using var doc = JsonDocument.Parse(line);
            string text = doc.RootElement.GetProperty("text").GetString()!;
            var fullTokens = doc.RootElement.GetProperty("ids").EnumerateArray().Select(e => full.Tokens[e.GetInt32()]).ToList();
            if (fullTokens.Any(tok => cut.FindToken(tok) is not int id || cut.IsSpecial(id))) continue;
            Assert.Equal(fullTokens, cut.Encode(text).Select(cut.TokenText));
            compared++;
        }
        Assert.True(compared >= minCases, $"only {compared} fixture cases fall inside the cut of {size}");
    }

    // The same property on words: for every word of a text whose full tokenization fits in the cut, the cut agrees;
    // words that do not fit are split into more, smaller tokens.
    [Fact]
    public void Cut_agrees_with_the_full_tokenizer_word_by_word_and_splits_only_the_rest_finer()
    {
        var cut = Tokenizer.FromVocabulary(Cut());
        var full = RepositoryFiles.FullTokenizer;
        int inside = 0, outside = 0;
        foreach (string word in string.Join(' ', Samples).Split(' ').Where(w => w.Length > 0).Select(w => " " + w))
        {
            var fullTokens = full.Encode(word).Select(full.TokenText).ToList();
            var cutTokens = cut.Encode(word).Select(cut.TokenText).ToList();
            if (fullTokens.All(tok => cut.FindToken(tok) != null))
            {
                Assert.Equal(fullTokens, cutTokens);
                inside++;
            }
            else
            {
                Assert.True(cutTokens.Count > fullTokens.Count, $"\"{word}\": {cutTokens.Count} cut tokens vs {fullTokens.Count} full");
                outside++;
            }
        }
        Assert.True(inside > 10 && outside > 0, $"{inside} words inside the cut, {outside} outside");
    }

    [Fact]
    public void Tokenizer_gguf_reads_back_through_the_engine_with_the_same_ids_and_keys()
    {
        var cut = Cut();
        string path = Path.Combine(Path.GetTempPath(), $"corpus-tokenizer-{Guid.NewGuid():N}.gguf");
        try
        {
            TokenizerGguf.Write(cut, path);
            var fromMemory = Tokenizer.FromVocabulary(cut);
            var fromFile = Tokenizer.FromFile(path);
            foreach (string s in Samples) Assert.Equal(fromMemory.Encode(s), fromFile.Encode(s));
            Assert.Equal(fromMemory.Encode("<｜User｜>hi<｜Assistant｜></think>", parseSpecialTokens: true),
                         fromFile.Encode("<｜User｜>hi<｜Assistant｜></think>", parseSpecialTokens: true));

            using var gguf = GgufFile.Open(path);
            Assert.Empty(gguf.Tensors);
            Assert.Equal("gpt2", gguf.GetMetadata(GgufTokenizerKeys.Model)!.Value);
            Assert.Equal("joyai-llm", gguf.GetMetadata(GgufTokenizerKeys.PreTokenizer)!.Value);
            Assert.Equal((uint)cut.BosId!, gguf.GetMetadata(GgufTokenizerKeys.BosId)!.Value);
            Assert.Equal((uint)cut.EosId!, gguf.GetMetadata(GgufTokenizerKeys.EosId)!.Value);
            Assert.Equal(false, gguf.GetMetadata(GgufTokenizerKeys.AddBos)!.Value);
            Assert.Equal(ChatTemplateKind.FileDeepSeekV4, new ChatEncoder(fromFile).Template);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Chat_encoding_with_the_cut_puts_the_V4_markers_as_single_tokens()
    {
        var t = Tokenizer.FromVocabulary(Cut());
        var encoding = t.EncodeChat(new ChatPrompt { Turns = [ChatTurn.User("Hi")] });
        string[] markers = [DeepSeekV4AddedTokens.Bos, DeepSeekV4AddedTokens.User, DeepSeekV4AddedTokens.Assistant, DeepSeekV4AddedTokens.ThinkEnd];
        Assert.Equal(markers, encoding.Ids.Where(t.IsSpecial).Select(t.TokenText));
        Assert.Equal(1, Array.IndexOf(encoding.Ids, t.FindToken(DeepSeekV4AddedTokens.User)!.Value));
        Assert.Equal("Hi", t.Decode(encoding.Ids.Where(id => !t.IsSpecial(id)).ToArray()));
    }
}
