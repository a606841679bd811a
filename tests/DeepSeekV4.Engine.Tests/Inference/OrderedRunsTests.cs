using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.Engine.Tests.Inference;

/// <summary>Concurrent work handed out in input order, never more than the limit at once.</summary>
public sealed class OrderedRunsTests
{
    /// <summary>Runs <paramref name="count"/> items whose completion order the test sets with gates, collecting everything handed out.</summary>
    private static List<OrderedOutput<int>> RunAll(int count, int limit, Func<int, Action<EngineEvent>, int> work)
    {
        var outputs = new List<OrderedOutput<int>>();
        using var runs = new OrderedRuns<int>(limit, CancellationToken.None);
        for (int i = 0; i < count; i++)
        {
            int k = i;
            outputs.AddRange(runs.Add($"item {k}", (post, _) => work(k, post)));
        }
        outputs.AddRange(runs.Finish());
        return outputs;
    }

    [Fact]
    public void Results_come_in_input_order_when_later_items_finish_first()
    {
        // Item k waits for item k+1 to finish (the last finishes at once), so they finish in reverse order.
        const int Count = 6;
        var finished = Enumerable.Range(0, Count + 1).Select(_ => new ManualResetEventSlim()).ToArray();
        finished[Count].Set();
        var outputs = RunAll(Count, Count, (k, _) =>
        {
            Assert.True(finished[k + 1].Wait(TimeSpan.FromSeconds(30)));
            finished[k].Set();
            return k * 10;
        });
        Assert.Equal(Enumerable.Range(0, Count).Select(k => k * 10), outputs.OfType<OrderedResult<int>>().Select(r => r.Result));
        Assert.Equal(Enumerable.Range(0, Count).Select(k => $"item {k}"), outputs.Select(o => (string)o.Tag!));
    }

    [Fact]
    public void No_more_than_the_limit_run_at_once()
    {
        int running = 0, most = 0;
        var outputs = RunAll(12, 3, (k, _) =>
        {
            int now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            Thread.Sleep(5);
            Interlocked.Decrement(ref running);
            return k;
        });
        Assert.Equal(12, outputs.Count);
        Assert.InRange(most, 1, 3);
    }

    [Fact]
    public void A_failure_takes_its_place_in_the_order_and_the_others_go_on()
    {
        var outputs = RunAll(4, 2, (k, _) => k == 1 ? throw new IOException("item 1 broke") : k);
        Assert.Equal(["R0", "F1", "R2", "R3"], outputs.Select(o => o switch
        {
            OrderedResult<int> r => $"R{r.Result}",
            OrderedFailure<int> f => $"F{f.Index}",
            _ => "?",
        }));
        Assert.Equal("item 1 broke", outputs.OfType<OrderedFailure<int>>().Single().Error.Message);
    }

    [Fact]
    public void Each_items_events_come_before_its_result_and_after_the_previous_result()
    {
        var outputs = RunAll(5, 5, (k, post) =>
        {
            Thread.Sleep((5 - k) * 3);
            post(new TextChunkEvent($"{k}a"));
            post(new TextChunkEvent($"{k}b"));
            return k;
        });
        Assert.Equal(Enumerable.Range(0, 5).SelectMany(k => new[] { $"{k}a", $"{k}b", $"={k}" }), outputs.Select(o => o switch
        {
            OrderedEvent<int> { Event: TextChunkEvent t } => t.Text,
            OrderedResult<int> r => $"={r.Result}",
            _ => "?",
        }));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
