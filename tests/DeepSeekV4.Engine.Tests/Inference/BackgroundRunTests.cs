using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Sampling;
using DeepSeekV4.Engine.Tests.Inference.Fakes;

namespace DeepSeekV4.Engine.Tests.Inference;

public class BackgroundRunTests
{
    [Fact]
    public void Events_reach_the_draining_thread_in_order_then_the_result()
    {
        int drainer = Environment.CurrentManagedThreadId;
        int worker = 0;
        using var run = BackgroundRun<int>.Start((post, _) =>
        {
            worker = Environment.CurrentManagedThreadId;
            for (int i = 1; i <= 50; i++) post(new PrefillProgressEvent(i, 50));
            return 7;
        }, CancellationToken.None);
        var seen = new List<int>();
        foreach (var e in run.Events())
        {
            Assert.Equal(drainer, Environment.CurrentManagedThreadId);
            seen.Add(((PrefillProgressEvent)e).Done);
        }
        Assert.Equal(Enumerable.Range(1, 50), seen);
        Assert.Equal(7, run.Result);
        Assert.NotEqual(drainer, worker);
    }

    [Fact]
    public void The_works_exception_is_rethrown_by_result()
    {
        using var run = BackgroundRun<int>.Start((_, _) => throw new InvalidDataException("bad"), CancellationToken.None);
        Assert.Empty(run.Events());
        Assert.Equal("bad", Assert.Throws<InvalidDataException>(() => run.Result).Message);
    }

    [Fact]
    public void A_cancelled_completion_ends_the_drain_and_the_model_stays_usable()
    {
        using var env = new ToyEnvironment(ToyModel.Script(ByteTokenizer.Text(new string('z', 500))));
        using var cts = new CancellationTokenSource();
        var request = new CompletionRequest { Prompt = "go", MaxTokens = 500, Sampling = new SamplerSettings { Temperature = 0 } };
        // the tenth forward call waits until the drain has cancelled, so the cancel lands mid-decode every time
        env.Toy.OnLayer = (call, _) => { if (call == 10) cts.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(30)); };
        using (var run = BackgroundRun<CompletionResult>.Start((post, ct) => env.Model.Complete(request, post, ct), cts.Token))
        {
            int chunks = 0;
            foreach (var e in run.Events())
            {
                if (e is TextChunkEvent && ++chunks == 3) cts.Cancel();
            }
            Assert.ThrowsAny<OperationCanceledException>(() => run.Result);
        }
        env.Toy.OnLayer = null;
        var result = env.Model.Complete(request with { MaxTokens = 5 });
        Assert.Equal("zzzzz", result.Text);
    }
}
