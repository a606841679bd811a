using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.Cli.Serving;

/// <summary>
/// The server's generation slots: <c>parallel</c> session models over one set of shared weights (each with its own
/// KV and prefix cache), at most <c>queue</c> requests waiting for one, and a refusal beyond that. A freed slot goes
/// to the next waiter; the most recently used free slot is handed out first, so a client's follow-up request tends
/// to land on the cache that already holds its prefix.
/// </summary>
public sealed class SlotPool : IDisposable
{
    private readonly InferenceSession[] _sessions;
    private readonly Stack<ServingSlot> _free = new();
    private readonly SemaphoreSlim _available;
    private readonly Lock _lock = new();
    private readonly int _capacity;
    private int _admitted;
    private int _waiting;

    public SlotPool(ModelRegistry registry, ServeOptions options)
    {
        Slots = new ServingSlot[options.Parallel];
        _sessions = new InferenceSession[options.Parallel];
        try
        {
            for (int i = 0; i < options.Parallel; i++)
            {
                _sessions[i] = new InferenceSession(registry);
                var model = CliModelImport.Import(_sessions[i], options.ModelPath, options.ServedName, options.ContextLength, options.KvCacheFormat,
                    options.LoadOptions, options.Force);
                Slots[i] = new ServingSlot(i, model);
            }
        }
        catch
        {
            foreach (var s in _sessions) s?.Dispose();
            throw;
        }
        for (int i = Slots.Length - 1; i >= 0; i--) _free.Push(Slots[i]);
        _available = new SemaphoreSlim(Slots.Length, Slots.Length);
        _capacity = options.Parallel + options.Queue;
    }

    public ServingSlot[] Slots { get; }

    /// <summary>The served model (every slot's is the same file under the same name).</summary>
    public SessionModel Model => Slots[0].Model;

    /// <summary>Requests waiting for a slot now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Requests generating now.</summary>
    public int Running => Volatile.Read(ref _admitted) - Waiting;

    /// <summary>
    /// A slot for one request, or null when <c>parallel + queue</c> requests are already admitted (the caller answers 503).
    /// Waiting ends with <see cref="OperationCanceledException"/> when the client goes away.
    /// </summary>
    public async Task<SlotLease?> TryAcquireAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _admitted) > _capacity)
        {
            Interlocked.Decrement(ref _admitted);
            return null;
        }
        Interlocked.Increment(ref _waiting);
        bool waited = false;
        try
        {
            await _available.WaitAsync(cancellationToken).ConfigureAwait(false);
            waited = true;
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
            if (!waited) Interlocked.Decrement(ref _admitted);
        }
        ServingSlot slot;
        lock (_lock) slot = _free.Pop();
        return new SlotLease(this, slot);
    }

    private void Release(ServingSlot slot)
    {
        lock (_lock) _free.Push(slot);
        _available.Release();
        Interlocked.Decrement(ref _admitted);
    }

    public void Dispose()
    {
        foreach (var s in _sessions) s.Dispose();
        _available.Dispose();
    }

    /// <summary>A slot held by one request; disposing it hands the slot to the next waiter.</summary>
    public sealed class SlotLease(SlotPool pool, ServingSlot slot) : IDisposable
    {
        private int _released;

        public ServingSlot Slot => slot;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) pool.Release(slot);
        }
    }
}
