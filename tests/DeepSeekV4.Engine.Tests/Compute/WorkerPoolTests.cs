using DeepSeekV4.Engine.Compute;

namespace DeepSeekV4.Engine.Tests.Compute;

public class WorkerPoolTests
{
    private sealed class CountingWork(int chunks) : IChunkedWork
    {
        public readonly int[] Hits = new int[chunks];
        public int? ThrowAt;
        public void Execute(int chunk)
        {
            if (chunk == ThrowAt) throw new InvalidOperationException($"chunk {chunk} failed");
            Interlocked.Increment(ref Hits[chunk]);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void EveryChunkRunsExactlyOnceAcrossManyCalls(int threads)
    {
        using var pool = new WorkerPool(threads);
        foreach (int chunks in new[] { 1, 2, 3, 7, 64, 1000 })
        {
            var work = new CountingWork(chunks);
            for (int call = 0; call < 200; call++) pool.Run(work, chunks);
            Assert.All(work.Hits, h => Assert.Equal(200, h));
        }
    }

    private sealed class GuardedWork(int chunks) : IChunkedWork
    {
        public readonly int[] Hits = new int[chunks];
        public volatile bool Active;
        public int Strays;
        public void Execute(int chunk)
        {
            if (!Active) Interlocked.Increment(ref Strays);
            Interlocked.Increment(ref Hits[chunk]);
        }
    }

    /// <summary>
    /// More workers than cores, so workers are often descheduled mid-call: every chunk of every call runs exactly once
    /// and before its call returns, with calls alternating between two works.
    /// </summary>
    [Fact]
    public void ChunksRunExactlyOnceWithinTheirCallWhenWorkersAreLate()
    {
        using var pool = new WorkerPool(2 * Environment.ProcessorCount + 2);
        var works = new[] { new GuardedWork(5), new GuardedWork(9) };
        for (int call = 0; call < 4000; call++)
        {
            var work = works[call % 2];
            work.Active = true;
            pool.Run(work, work.Hits.Length);
            work.Active = false;
        }
        foreach (var work in works)
        {
            Assert.Equal(0, work.Strays);
            Assert.All(work.Hits, h => Assert.Equal(2000, h));
        }
    }

    [Fact]
    public void AFailingChunkSurfacesOnTheCallerAndThePoolStaysUsable()
    {
        using var pool = new WorkerPool(3);
        var failing = new CountingWork(50) { ThrowAt = 17 };
        var e = Assert.Throws<InvalidOperationException>(() => pool.Run(failing, 50));
        Assert.Contains("chunk 17", e.Message);
        var work = new CountingWork(50);
        pool.Run(work, 50);
        Assert.All(work.Hits, h => Assert.Equal(1, h));
    }

    [Fact]
    public void ConcurrentCallersBothComplete()
    {
        using var pool = new WorkerPool(2);
        var a = new CountingWork(100);
        var b = new CountingWork(100);
        var t1 = new Thread(() => { for (int i = 0; i < 300; i++) pool.Run(a, 100); });
        var t2 = new Thread(() => { for (int i = 0; i < 300; i++) pool.Run(b, 100); });
        t1.Start();
        t2.Start();
        Assert.True(t1.Join(TimeSpan.FromMinutes(2)) && t2.Join(TimeSpan.FromMinutes(2)));
        Assert.All(a.Hits, h => Assert.Equal(300, h));
        Assert.All(b.Hits, h => Assert.Equal(300, h));
    }

    [Fact]
    public void RunAllocatesNothingAfterWarmUp()
    {
        using var pool = new WorkerPool(2);
        var work = new CountingWork(64);
        pool.Run(work, 64);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) pool.Run(work, 64);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void WorkersWakeAfterSleeping()
    {
        using var pool = new WorkerPool(2);
        var work = new CountingWork(8);
        pool.Run(work, 8);
        Thread.Sleep(50); // past the spin window: the worker is blocked, and must be woken
        pool.Run(work, 8);
        Assert.All(work.Hits, h => Assert.Equal(2, h));
    }

    [Fact]
    public void DisposingWhileAnotherThreadRunsWorkNeitherHangsNorLosesChunks()
    {
        var pool = new WorkerPool(3);
        var work = new CountingWork(200);
        var runner = new Thread(() => { for (int i = 0; i < 2000; i++) pool.Run(work, 200); });
        runner.Start();
        Thread.Sleep(20);
        pool.Dispose();
        Assert.True(runner.Join(TimeSpan.FromMinutes(2)));
        Assert.All(work.Hits, h => Assert.Equal(2000, h));
    }

    [Fact]
    public void ThreadCountMustBePositive() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkerPool(0));
}
