using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace DeepSeekV4.Engine.Compute;

/// <summary>Work split into numbered chunks; <see cref="Execute"/> may run on any pool thread, each chunk exactly once.</summary>
public interface IChunkedWork
{
    void Execute(int chunk);
}

/// <summary>
/// A persistent set of worker threads for data-parallel kernels. <see cref="Run"/> hands out chunk numbers to the
/// workers and the calling thread, and returns when every chunk is done; nothing is allocated and no thread is created
/// per call. A call waits for chunks, not for workers: a worker the OS has not scheduled yet (a busy machine) does not
/// hold the call up, the others take its share. Idle workers spin briefly (calls come in quick succession during a
/// forward pass), then sleep. A call made while the pool is busy (another thread's product, or a nested call) runs on
/// the caller alone.
/// </summary>
public sealed class WorkerPool : IDisposable
{
    // Idle workers keep polling this long before they sleep: a forward pass's serial steps between two products (attention,
    // norms) take up to a few hundred µs, and a sleeping worker costs a futex wake plus a scheduling delay per product.
    private static readonly long SpinTicks = Stopwatch.Frequency / 1000; // 1 ms
    private static readonly long YieldAfterTicks = Stopwatch.Frequency / 20000; // 50 µs
    private static WorkerPool? _default;
    private static readonly object DefaultGate = new();

    private readonly Thread[] _threads;
    private readonly object _gate = new();
    private int _generation;
    private int _sleepers;
    private int _busy;
    private IChunkedWork? _work;
    private int _chunkCount;
    // The current call's generation (high 32 bits) and next chunk (low 32): a worker still holding an earlier call's
    // generation can never claim a chunk of a later call.
    private long _ticket;
    private int _completed;
    private Exception? _failure;
    private volatile bool _disposed;

    /// <param name="threads">Threads that execute chunks, the caller included (so threads − 1 workers are started).</param>
    public WorkerPool(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "a pool needs at least one thread");
        ThreadCount = threads;
        _threads = new Thread[threads - 1];
        for (int i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"dsv4 worker {i + 1}" };
            _threads[i].Start();
        }
    }

    public int ThreadCount { get; }

    /// <summary>The pool the tensor products use: the machine's logical cores unless set (e.g. by <c>--threads</c>).</summary>
    public static WorkerPool Default
    {
        get
        {
            var pool = Volatile.Read(ref _default);
            if (pool != null) return pool;
            lock (DefaultGate) return _default ??= new WorkerPool(Environment.ProcessorCount);
        }
    }

    /// <summary>Replaces the default pool with one of <paramref name="threads"/> threads (the old one is disposed).</summary>
    public static void SetDefaultThreadCount(int threads)
    {
        if (Volatile.Read(ref _default)?.ThreadCount == threads) return;
        var pool = new WorkerPool(threads);
        WorkerPool? old;
        lock (DefaultGate)
        {
            old = _default;
            _default = pool;
        }
        old?.Dispose();
    }

    /// <summary>Executes chunks 0 … <paramref name="chunks"/> − 1 of <paramref name="work"/>, spread over the pool.</summary>
    public void Run(IChunkedWork work, int chunks)
    {
        if (chunks <= 0) return;
        if (chunks == 1 || _threads.Length == 0 || _disposed || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (int i = 0; i < chunks; i++) work.Execute(i);
            return;
        }
        try
        {
            int generation = _generation + 1;
            // The ticket moves to the new generation before the new work is visible, so a late worker of the previous
            // call fails its claim instead of taking a chunk of this one.
            Interlocked.Exchange(ref _ticket, (long)generation << 32);
            _work = work;
            _chunkCount = chunks;
            _completed = 0;
            _failure = null;
            Volatile.Write(ref _generation, generation);
            if (Volatile.Read(ref _sleepers) > 0)
                lock (_gate) Monitor.PulseAll(_gate);
            Drain(work, generation, chunks);
            // The other threads' last chunks take microseconds: poll with pause instructions first (a yield is a system
            // call, and a costly one in a VM), then yield in case a worker holding a chunk was descheduled.
            long waitStart = Stopwatch.GetTimestamp();
            var spinner = new SpinWait();
            while (Volatile.Read(ref _completed) != chunks)
            {
                if (Stopwatch.GetTimestamp() - waitStart < YieldAfterTicks) Thread.SpinWait(16);
                else spinner.SpinOnce(sleep1Threshold: -1);
            }
            _work = null;
            if (_failure is { } failure) ExceptionDispatchInfo.Capture(failure).Throw();
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>
    /// Claims and executes chunks of call <paramref name="generation"/> until none is left. After a failure the
    /// remaining chunks are claimed and counted without running, so the call still ends, and rethrows it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Drain(IChunkedWork work, int generation, int chunks)
    {
        while (true)
        {
            long ticket = Volatile.Read(ref _ticket);
            if ((int)(ticket >> 32) != generation || (int)ticket >= chunks) return;
            if (Interlocked.CompareExchange(ref _ticket, ticket + 1, ticket) != ticket) continue;
            try
            {
                if (Volatile.Read(ref _failure) == null) work.Execute((int)ticket);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
            }
            finally
            {
                Interlocked.Increment(ref _completed);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WorkerLoop()
    {
        int seen = 0;
        while (true)
        {
            long start = Stopwatch.GetTimestamp();
            while (Volatile.Read(ref _generation) == seen)
            {
                if (_disposed) return;
                if (Stopwatch.GetTimestamp() - start < SpinTicks)
                {
                    Thread.SpinWait(16); // pause instructions: no system call while polling
                    continue;
                }
                lock (_gate)
                {
                    Interlocked.Increment(ref _sleepers);
                    while (Volatile.Read(ref _generation) == seen && !_disposed) Monitor.Wait(_gate);
                    Interlocked.Decrement(ref _sleepers);
                }
            }
            if (_disposed) return;
            seen = Volatile.Read(ref _generation);
            // Read after the generation: a call publishes its work and count before its generation.
            var work = Volatile.Read(ref _work);
            int chunks = Volatile.Read(ref _chunkCount);
            if (work != null) Drain(work, seen, chunks);
        }
    }

    /// <summary>Stops the workers once no product is running on the pool; later calls run on the caller alone.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        var spinner = new SpinWait();
        while (Interlocked.CompareExchange(ref _busy, 1, 0) != 0) spinner.SpinOnce(); // never released: the pool stays "busy"
        _disposed = true;
        lock (_gate) Monitor.PulseAll(_gate);
        foreach (var t in _threads) t.Join();
    }
}
