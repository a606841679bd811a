using System.Text;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Sampling;
using DeepSeekV4.Engine.Tests.Inference.Fakes;

namespace DeepSeekV4.Engine.Tests.Inference;

public class GenerationLoopTests
{
    private static readonly SamplerSettings Greedy = new() { Temperature = 0 };

    /// <summary>The greedy continuation under <see cref="ToyModel.WeightedSumLetter"/>, computed here without the engine.</summary>
    private static string ExpectedGreedy(int[] prompt, int count)
    {
        var context = new List<int>(prompt);
        var text = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            int next = ToyModel.WeightedSumLetter(context);
            context.Add(next);
            text.Append((char)(next - 2));
        }
        return text.ToString();
    }

    private static int[] ChatIds(string user, string? system = null) =>
        [ByteTokenizer.Bos, .. system == null ? [] : ByteTokenizer.Text(system), ByteTokenizer.User, .. ByteTokenizer.Text(user), ByteTokenizer.Assistant, ByteTokenizer.EndThink];

    [Fact]
    public void Greedy_output_follows_the_models_rule_token_by_token()
    {
        using var env = new ToyEnvironment();
        var result = env.Model.Complete(new CompletionRequest { Prompt = "Hello", MaxTokens = 12, Sampling = Greedy });
        Assert.Equal(ExpectedGreedy(ChatIds("Hello"), 12), result.Text);
        Assert.Equal(12, result.CompletionTokens);
        Assert.Equal(ChatIds("Hello").Length, result.PromptTokens);
        Assert.Equal(FinishReason.MaxTokens, result.FinishReason);
        Assert.Equal("toy", result.Model);
    }

    [Fact]
    public void Same_seed_gives_the_same_text_and_other_seeds_vary()
    {
        using var env = new ToyEnvironment();
        using var other = new ToyEnvironment();
        CompletionRequest Request(ulong seed) => new() { Prompt = "Once upon a time", MaxTokens = 40, Sampling = new SamplerSettings { Temperature = 1, Seed = seed } };
        var first = env.Model.Complete(Request(42));
        var again = other.Model.Complete(Request(42));
        var repeat = env.Model.Complete(Request(42));
        Assert.Equal(first.Text, again.Text);
        Assert.Equal(first.Text, repeat.Text);
        Assert.Equal(42UL, first.Seed);
        var texts = new[] { 1UL, 2UL, 3UL }.Select(s => env.Model.Complete(Request(s)).Text).Append(first.Text).Distinct().Count();
        Assert.True(texts >= 2, "four seeds at temperature 1 all gave the same 40 tokens");
    }

    [Fact]
    public void Seed_drawn_when_none_given_is_reported_and_reproduces_the_text()
    {
        using var env = new ToyEnvironment();
        var sampling = new SamplerSettings { Temperature = 1 };
        var first = env.Model.Complete(new CompletionRequest { Prompt = "x", MaxTokens = 30, Sampling = sampling });
        var again = env.Model.Complete(new CompletionRequest { Prompt = "x", MaxTokens = 30, Sampling = sampling with { Seed = first.Seed } });
        Assert.Equal(first.Text, again.Text);
    }

    [Fact]
    public void Stop_string_spanning_tokens_ends_generation_and_is_not_emitted()
    {
        using var env = new ToyEnvironment(ToyModel.Script(ByteTokenizer.Text("Hello, World. Goodbye")));
        var chunks = new List<string>();
        var result = env.Model.Complete(new CompletionRequest { Prompt = "hi", Stop = ["World"], Sampling = Greedy },
            e => { if (e is TextChunkEvent t) chunks.Add(t.Text); });
        Assert.Equal("Hello, ", result.Text);
        Assert.Equal("Hello, ", string.Concat(chunks));
        Assert.Equal(FinishReason.StopString, result.FinishReason);
        Assert.Equal("Hello, World".Length, result.CompletionTokens);
    }

    [Fact]
    public void Partial_stop_match_that_diverges_is_released_as_text()
    {
        using var env = new ToyEnvironment(ToyModel.Script(ByteTokenizer.Text("Hello, World")));
        var chunks = new List<string>();
        var result = env.Model.Complete(new CompletionRequest { Prompt = "hi", Stop = ["Wox", "!"], Sampling = Greedy },
            e => { if (e is TextChunkEvent t) chunks.Add(t.Text); });
        Assert.Equal("Hello, World", result.Text);
        Assert.Equal("Hello, World", string.Concat(chunks));
        Assert.Equal(FinishReason.EndOfSequence, result.FinishReason);
    }

    [Fact]
    public void End_of_sequence_ends_generation_and_is_not_text()
    {
        using var env = new ToyEnvironment(ToyModel.Script(ByteTokenizer.Text("abc")));
        var result = env.Model.Complete(new CompletionRequest { Prompt = "hi", MaxTokens = 100, Sampling = Greedy });
        Assert.Equal("abc", result.Text);
        Assert.Equal(3, result.CompletionTokens);
        Assert.Equal(FinishReason.EndOfSequence, result.FinishReason);
    }

    [Fact]
    public void Max_tokens_limits_the_output()
    {
        using var env = new ToyEnvironment(ToyModel.Script(ByteTokenizer.Text("abcdefghij")));
        var result = env.Model.Complete(new CompletionRequest { Prompt = "hi", MaxTokens = 4, Sampling = Greedy });
        Assert.Equal("abcd", result.Text);
        Assert.Equal(FinishReason.MaxTokens, result.FinishReason);
    }

    [Fact]
    public void Max_tokens_zero_only_fills_the_cache()
    {
        using var env = new ToyEnvironment();
        var result = env.Model.Complete(new CompletionRequest { Prompt = "hi", MaxTokens = 0 });
        Assert.Equal("", result.Text);
        Assert.Equal(0, result.CompletionTokens);
        Assert.Equal(ChatIds("hi").Length, env.Model.GetKvCacheReports()[0].Tokens);
    }

    [Fact]
    public void Full_context_ends_generation_with_its_own_reason()
    {
        int promptLength = ChatIds("hello").Length;
        using var env = new ToyEnvironment(contextLength: promptLength + 3);
        var result = env.Model.Complete(new CompletionRequest { Prompt = "hello", MaxTokens = 100, Sampling = Greedy });
        Assert.Equal(FinishReason.ContextFull, result.FinishReason);
        // three tokens fit after the prompt; the token sampled from the last position's logits is still output
        Assert.Equal(4, result.CompletionTokens);
        Assert.Equal(ExpectedGreedy(ChatIds("hello"), 4), result.Text);
    }

    [Fact]
    public void Prompt_longer_than_the_context_is_refused_with_the_numbers()
    {
        using var env = new ToyEnvironment(contextLength: 8);
        var e = Assert.Throws<ContextOverflowException>(() => env.Model.Complete(new CompletionRequest { Prompt = "a long prompt", Source = "doc.txt" }));
        Assert.Equal(ChatIds("a long prompt").Length, e.PromptTokens);
        Assert.Equal(8, e.ContextLength);
        Assert.Contains("doc.txt", e.Message);
    }

    [Fact]
    public void Text_chunks_never_split_a_character()
    {
        const string script = "héllo ✓ wörld 𝄞!";
        using var env = new ToyEnvironment(ToyModel.Script(ByteTokenizer.Text(script)));
        var chunks = new List<string>();
        var result = env.Model.Complete(new CompletionRequest { Prompt = "hi", Sampling = Greedy },
            e => { if (e is TextChunkEvent t) chunks.Add(t.Text); });
        Assert.Equal(script, result.Text);
        Assert.Equal(script, string.Concat(chunks));
        Assert.All(chunks, c => Assert.DoesNotContain('\uFFFD', c));
        Assert.All(chunks, c => Assert.False(char.IsHighSurrogate(c[^1]), $"chunk '{c}' ends inside a surrogate pair"));
        Assert.Equal(Encoding.UTF8.GetByteCount(script), result.CompletionTokens);
    }

    [Fact]
    public void Thinking_separates_reasoning_from_the_answer()
    {
        int[] script = [.. ByteTokenizer.Text("plan it"), ByteTokenizer.EndThink, .. ByteTokenizer.Text("\nthe answer")];
        using var env = new ToyEnvironment(ToyModel.Script(script));
        var result = env.Model.Complete(new CompletionRequest { Prompt = "q", Think = true, Sampling = Greedy });
        Assert.Equal("plan it", result.Reasoning);
        Assert.Equal("the answer", result.Text);
    }

    [Fact]
    public void Prefill_reports_progress_up_to_the_tokens_computed()
    {
        using var env = new ToyEnvironment();
        var progress = new List<PrefillProgressEvent>();
        string prompt = new('p', GenerationLoop.PrefillChunk + 100);
        env.Model.Complete(new CompletionRequest { Prompt = prompt, MaxTokens = 1 }, e => { if (e is PrefillProgressEvent p) progress.Add(p); });
        int total = ChatIds(prompt).Length;
        Assert.All(progress, p => Assert.Equal(total, p.Total));
        Assert.Equal(0, progress[0].Done);
        Assert.Equal(total, progress[^1].Done);
        Assert.Contains(progress, p => p.Done == GenerationLoop.PrefillChunk);
        Assert.True(progress.Select(p => p.Done).SequenceEqual(progress.Select(p => p.Done).Order()), "progress went backwards");
    }

    [Fact]
    public void Cancelling_during_prefill_leaves_the_engine_usable()
    {
        using var env = new ToyEnvironment();
        using var cts = new CancellationTokenSource();
        env.Toy.OnLayer = (call, layer) => { if (call == 1 && layer == 2) cts.Cancel(); };
        Assert.ThrowsAny<OperationCanceledException>(() =>
            env.Model.Complete(new CompletionRequest { Prompt = "Hello", MaxTokens = 10, Sampling = Greedy }, null, cts.Token));
        env.Toy.OnLayer = null;
        var result = env.Model.Complete(new CompletionRequest { Prompt = "Hello", MaxTokens = 10, Sampling = Greedy });
        Assert.Equal(ExpectedGreedy(ChatIds("Hello"), 10), result.Text);
    }

    [Fact]
    public void Cancelling_during_decode_leaves_the_engine_usable()
    {
        using var env = new ToyEnvironment();
        using var cts = new CancellationTokenSource();
        env.Toy.OnLayer = (call, layer) => { if (call == 5 && layer == 1) cts.Cancel(); };
        Assert.ThrowsAny<OperationCanceledException>(() =>
            env.Model.Complete(new CompletionRequest { Prompt = "Hello", MaxTokens = 10, Sampling = Greedy }, null, cts.Token));
        env.Toy.OnLayer = null;
        var result = env.Model.Complete(new CompletionRequest { Prompt = "Hello there", MaxTokens = 10, Sampling = Greedy });
        Assert.Equal(ExpectedGreedy(ChatIds("Hello there"), 10), result.Text);
    }

    [Fact]
    public void Documents_after_a_shared_instruction_reuse_it_and_match_a_cold_run()
    {
        using var warm = new ToyEnvironment();
        using var cold = new ToyEnvironment();
        CompletionRequest Doc(string text) => new() { Instruction = "Summarize:", Document = text, MaxTokens = 20, Sampling = Greedy };
        var first = warm.Model.Complete(Doc("alpha report with numbers"));
        var second = warm.Model.Complete(Doc("beta memo about plans"));
        var third = warm.Model.Complete(Doc("gamma notes"));
        // BOS, USER and "Summarize:\n\n" (12 bytes) are shared; the documents start with different letters
        const int shared = 1 + 1 + 12;
        Assert.Equal(0, first.ReusedTokens);
        Assert.Equal(shared, second.ReusedTokens);
        Assert.Equal(shared, third.ReusedTokens);
        Assert.Equal(cold.Model.Complete(Doc("beta memo about plans")).Text, second.Text);
        Assert.Equal(ExpectedGreedy(ChatIds("Summarize:\n\ngamma notes"), 20), third.Text);
    }

    [Fact]
    public void Reuse_computes_only_the_tokens_it_does_not_reuse()
    {
        using var env = new ToyEnvironment();
        CompletionRequest Doc(string text) => new() { Instruction = "Translate:", Document = text, MaxTokens = 5, Sampling = Greedy };
        env.Model.Complete(Doc("one"));
        int before = env.Toy.TokensComputed;
        var second = env.Model.Complete(Doc("two"));
        // prompt tokens not reused + the four generated tokens fed back (the fifth is never fed)
        Assert.Equal(second.PromptTokens - second.ReusedTokens + 4, env.Toy.TokensComputed - before);
    }

    [Fact]
    public void Reuse_stops_at_a_position_the_model_can_truncate_to()
    {
        using var warm = new ToyEnvironment();
        using var cold = new ToyEnvironment();
        var request = new CompletionRequest { Prompt = "the same prompt, again", MaxTokens = 3, Sampling = Greedy };
        int length = ChatIds(request.Prompt!).Length;
        warm.Model.Complete(request);
        var second = warm.Model.Complete(request);
        // the sequence holds prompt + 2 fed tokens; at most length - 1 tokens are reusable, and the toy model cuts
        // back only to a multiple of 4 within 16 tokens of its end
        int expected = (length - 1) / 4 * 4;
        Assert.True(length + 2 - expected <= 16);
        Assert.Equal(expected, second.ReusedTokens);
        Assert.Equal(cold.Model.Complete(request).Text, second.Text);
    }

    [Fact]
    public void Clearing_the_cache_makes_the_next_run_cold()
    {
        using var env = new ToyEnvironment();
        CompletionRequest Doc(string text) => new() { Instruction = "Summarize:", Document = text, MaxTokens = 3, Sampling = Greedy };
        env.Model.Complete(Doc("a"));
        env.Model.ClearKvCache();
        Assert.Equal(0, env.Model.Complete(Doc("b")).ReusedTokens);
    }

    [Fact]
    public async Task Two_sessions_decoding_concurrently_match_running_one_after_the_other()
    {
        using var env = new ToyEnvironment();
        using var second = new InferenceSession(env.Registry);
        var other = second.Import(env.ModelPath, contextLength: 1024);
        Assert.Same(env.Model.Model, other.Model);
        var a = new CompletionRequest { Prompt = "first prompt", MaxTokens = 200, Sampling = new SamplerSettings { Seed = 1 } };
        var b = new CompletionRequest { Prompt = "second, other prompt", MaxTokens = 200, Sampling = new SamplerSettings { Seed = 2 } };
        var sequentialA = env.Model.Complete(a).Text;
        var sequentialB = other.Complete(b).Text;
        env.Model.ClearKvCache();
        other.ClearKvCache();
        using var barrier = new Barrier(2);
        var ta = Task.Run(() => { barrier.SignalAndWait(); return env.Model.Complete(a).Text; });
        var tb = Task.Run(() => { barrier.SignalAndWait(); return other.Complete(b).Text; });
        Assert.Equal(sequentialA, await ta);
        Assert.Equal(sequentialB, await tb);
    }
}
