using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Engine.Tests.Tokenization;

public class DeepSeekChatTokenizerTests
{
    [Fact]
    public void EncodesOneUserTurnInTheV4Format()
    {
        var t = TokenizerFixtures.Tiny;
        var adapter = new DeepSeekChatTokenizer(t);
        var encoded = adapter.EncodeChat(new DeepSeekV4.Engine.Inference.ChatPrompt("Be brief.", "What is 2+2?<｜end▁of▁sentence｜>", Think: true));
        string expected = "<｜begin▁of▁sentence｜>Be brief.<｜User｜>What is 2+2?<｜end▁of▁sentence｜><｜Assistant｜><think>";
        Assert.Equal(expected, t.Decode(encoded.Ids));
        // The user text's end-of-sentence string stays text: the only specials are BOS, User, Assistant, <think>.
        Assert.Equal(new[] { 0, 3, 4, 5 }, encoded.Ids.Where(t.IsSpecial).ToArray());
        Assert.Equal(nameof(ChatTemplateKind.BuiltInDeepSeekV4), encoded.Template);
    }

    [Fact]
    public void GenerationEndsAtEosOrANewUserTurn()
    {
        var adapter = new DeepSeekChatTokenizer(TokenizerFixtures.Tiny);
        Assert.Equal(new[] { 1, 3 }, adapter.EndOfGenerationIds.Order().ToArray());
    }

    [Fact]
    public void StreamingDecoderIsTheTokenizers()
    {
        var adapter = new DeepSeekChatTokenizer(TokenizerFixtures.Tiny);
        var c = TokenizerFixtures.TinyCases.Single(x => x.Text.StartsWith("你好", StringComparison.Ordinal));
        var d = adapter.CreateStreamingDecoder();
        Assert.Equal(c.Text, string.Concat(c.Ids.Select(d.Push)) + d.Flush());
    }
}
