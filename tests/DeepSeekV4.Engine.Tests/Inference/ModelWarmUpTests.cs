using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Sampling;

namespace DeepSeekV4.Engine.Tests.Inference;

/// <summary>The load-time warm-up (<see cref="ModelLoadOptions.WarmUp"/>) changes no result and leaves nothing behind.</summary>
public class ModelWarmUpTests
{
    private static (InferenceSession Session, SessionModel Model) Open(bool warmUp, List<EngineEvent>? events = null)
    {
        var session = new InferenceSession(new ModelRegistry(DeepSeekV4ModelLoader.Instance, () => long.MaxValue));
        return (session, session.Import(FixturePaths.TinyModelF16, contextLength: 512, options: new ModelLoadOptions { WarmUp = warmUp },
            onEvent: events == null ? null : events.Add));
    }

    private static float[] Logits(SessionModel model, int[] tokens)
    {
        using var sequence = model.Model.Model.CreateSequence(512, KvCacheFormat.Native);
        var logits = new float[tokens.Length * model.Model.Model.VocabularySize];
        sequence.Forward(tokens, logits, allLogits: true);
        return logits;
    }

    [Fact]
    public void Completions_and_logits_are_the_same_with_and_without_the_warm_up()
    {
        var (warm, warmModel) = Open(warmUp: true);
        var (cold, coldModel) = Open(warmUp: false);
        using (warm)
        using (cold)
        {
            foreach (var sampling in new[] { new SamplerSettings { Temperature = 0 }, new SamplerSettings { Seed = 11, TopP = 0.9 } })
            {
                var request = new CompletionRequest { Prompt = "Write one line about disks.", MaxTokens = 24, Sampling = sampling };
                var a = warmModel.Complete(request);
                var b = coldModel.Complete(request);
                Assert.Equal(b.Text, a.Text);
                Assert.Equal(b.CompletionTokens, a.CompletionTokens);
                Assert.Equal(b.PromptTokens, a.PromptTokens);
                Assert.Equal(b.ReusedTokens, a.ReusedTokens);
            }
            int[] tokens = [.. Enumerable.Range(0, 40).Select(i => (i * 37 + 5) % warmModel.Model.Model.VocabularySize)];
            Assert.Equal(Logits(coldModel, tokens), Logits(warmModel, tokens));
        }
    }

    [Fact]
    public void The_warm_up_leaves_no_sequence_or_cache_behind()
    {
        var events = new List<EngineEvent>();
        var (session, model) = Open(warmUp: true, events);
        using (session)
        {
            Assert.Contains(events, e => e is LoadProgressEvent { Stage: "warming up" });
            var reports = model.GetKvCacheReports();
            var active = Assert.Single(reports);
            Assert.Equal("Active", active.Sequence);
            Assert.Equal(0, active.Tokens);
            Assert.Equal(0, active.TotalBytes);
        }
    }

    [Fact]
    public void A_load_without_the_warm_up_reports_no_warm_up_stage()
    {
        var events = new List<EngineEvent>();
        var (session, _) = Open(warmUp: false, events);
        using (session) Assert.DoesNotContain(events, e => e is LoadProgressEvent { Stage: "warming up" });
    }

    [Fact]
    public void A_cancelled_warm_up_fails_the_load_and_registers_nothing()
    {
        var registry = new ModelRegistry(DeepSeekV4ModelLoader.Instance, () => long.MaxValue);
        using var session = new InferenceSession(registry);
        using var cts = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => session.Import(FixturePaths.TinyModelF16, contextLength: 512,
            options: new ModelLoadOptions { WarmUp = true }, onEvent: e => { if (e is LoadProgressEvent { Stage: "warming up" }) cts.Cancel(); },
            cancellationToken: cts.Token));
        Assert.Empty(registry.Loaded);
        Assert.Empty(session.Models);
    }
}
