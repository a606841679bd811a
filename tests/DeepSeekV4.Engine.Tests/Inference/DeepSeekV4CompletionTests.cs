using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Tokenization;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Sampling;

namespace DeepSeekV4.Engine.Tests.Inference;

/// <summary>The generation loop on the real DeepSeek V4 model and tokenizer (the dsv4-tiny fixture).</summary>
public class DeepSeekV4CompletionTests
{
    private static readonly SamplerSettings Greedy = new() { Temperature = 0 };

    private static (InferenceSession Session, SessionModel Model) Open()
    {
        var session = new InferenceSession(new ModelRegistry(DeepSeekV4ModelLoader.Instance, () => long.MaxValue));
        return (session, session.Import(FixturePaths.TinyModelF16, contextLength: 512));
    }

    /// <summary>Greedy continuation computed straight on the model: one token at a time, argmax, no sampler, no cache reuse.</summary>
    private static string DirectGreedy(SessionModel model, string userText, int count)
    {
        var tokenizer = ((DeepSeekChatTokenizer)model.Model.Tokenizer).Tokenizer;
        int[] prompt = tokenizer.EncodeChat(DeepSeekV4.Engine.Tokenization.ChatPrompt.FromUser(userText)).Ids;
        using var sequence = model.Model.Model.CreateSequence(512, KvCacheFormat.Native);
        var logits = new float[model.Model.Model.VocabularySize];
        sequence.Forward(prompt, logits);
        var output = new List<int>();
        for (int i = 0; i < count; i++)
        {
            int next = Array.IndexOf(logits, logits.Max());
            if (next == tokenizer.EosId) break;
            output.Add(next);
            sequence.Forward([next], logits);
        }
        return tokenizer.Decode(output.ToArray());
    }

    [Fact]
    public void Greedy_completion_matches_argmax_decoding_on_the_model()
    {
        var (session, model) = Open();
        using (session)
        {
            var result = model.Complete(new CompletionRequest { Prompt = "Hello, world", MaxTokens = 12, Sampling = Greedy });
            Assert.Equal(DirectGreedy(model, "Hello, world", 12), result.Text);
            Assert.Equal("dsv4-tiny.f16", result.Model);
        }
    }

    [Fact]
    public void Prefix_reuse_on_the_real_model_gives_the_cold_runs_text()
    {
        var (warm, warmModel) = Open();
        var (cold, coldModel) = Open();
        using (warm)
        using (cold)
        {
            CompletionRequest Doc(string text) => new() { Instruction = "Summarize this document in one line:", Document = text, MaxTokens = 10, Sampling = new SamplerSettings { Seed = 5 } };
            warmModel.Complete(Doc("The first document talks about quarterly revenue."));
            var second = warmModel.Complete(Doc("A second, different memo about the office move."));
            Assert.True(second.ReusedTokens > 5, $"reused only {second.ReusedTokens} tokens");
            Assert.Equal(coldModel.Complete(Doc("A second, different memo about the office move.")).Text, second.Text);
        }
    }

    [Fact]
    public void Cancelled_decode_on_the_real_model_leaves_it_usable()
    {
        var (session, model) = Open();
        using (session)
        {
            using var cts = new CancellationTokenSource();
            int chunks = 0;
            Assert.ThrowsAny<OperationCanceledException>(() => model.Complete(
                new CompletionRequest { Prompt = "Count with me", MaxTokens = 200, Sampling = Greedy },
                e => { if (e is TextChunkEvent && ++chunks == 2) cts.Cancel(); }, cts.Token));
            var result = model.Complete(new CompletionRequest { Prompt = "Count with me again", MaxTokens = 8, Sampling = Greedy });
            Assert.Equal(DirectGreedy(model, "Count with me again", 8), result.Text);
        }
    }
}
