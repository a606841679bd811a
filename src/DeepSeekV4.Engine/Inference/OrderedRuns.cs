using System.Collections.Concurrent;

namespace DeepSeekV4.Engine.Inference;

/// <summary>What <see cref="OrderedRuns{T}"/> hands to the draining thread, always in input order.</summary>
public abstract record OrderedOutput<T>(int Index, object? Tag);

/// <summary>An event of the item; the first unfinished item's events come as they happen, later items' once it is their turn.</summary>
public sealed record OrderedEvent<T>(int Index, object? Tag, EngineEvent Event) : OrderedOutput<T>(Index, Tag);

/// <summary>The item's result.</summary>
public sealed record OrderedResult<T>(int Index, object? Tag, T Result) : OrderedOutput<T>(Index, Tag);

/// <summary>The item's failure (cancellation included).</summary>
public sealed record OrderedFailure<T>(int Index, object? Tag, Exception Error) : OrderedOutput<T>(Index, Tag);

/// <summary>
/// Runs work items on worker threads, at most <c>limit</c> at once, and hands their events, results and failures to
/// one draining thread (PowerShell's pipeline thread) in the order the items were added: item k's result comes
/// after item k−1's, whatever finished first. Items start in input order as slots free up.
/// </summary>
public sealed class OrderedRuns<T> : IDisposable
{
    private readonly int _limit;
    private readonly CancellationToken _cancellationToken;
    private readonly BlockingCollection<(int Index, EngineEvent? Event, bool Done)> _signals = new();
    private readonly List<Item> _items = [];
    private int _head;
    private int _running;

    public OrderedRuns(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        _limit = limit;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Items added and not yet handed out in full.</summary>
    public int Pending => _items.Count - _head;

    /// <summary>
    /// Starts <paramref name="work"/> once fewer than the limit run, meanwhile yielding what is ready in input order;
    /// after starting it, yields what is ready without waiting. The caller must enumerate the result to the end.
    /// </summary>
    public IEnumerable<OrderedOutput<T>> Add(object? tag, Func<Action<EngineEvent>, CancellationToken, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        while (_running >= _limit)
        {
            foreach (var output in Handle(_signals.Take())) yield return output;
        }
        var item = new Item(_items.Count, tag);
        _items.Add(item);
        _running++;
        // A thread of its own (the work blocks on its request): up to the limit run at once even when the thread pool is
        // busy or starved, instead of waiting for the pool to grow.
        item.Task = Task.Factory.StartNew(() =>
        {
            try
            {
                item.Result = work(e => _signals.Add((item.Index, e, false)), _cancellationToken);
            }
            catch (Exception e)
            {
                item.Error = e;
            }
            finally
            {
                _signals.Add((item.Index, null, true));
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        while (_signals.TryTake(out var signal))
        {
            foreach (var output in Handle(signal)) yield return output;
        }
    }

    /// <summary>Waits for every item and yields the rest in input order.</summary>
    public IEnumerable<OrderedOutput<T>> Finish()
    {
        while (_head < _items.Count)
        {
            foreach (var output in Handle(_signals.Take())) yield return output;
        }
    }

    private IEnumerable<OrderedOutput<T>> Handle((int Index, EngineEvent? Event, bool Done) signal)
    {
        var item = _items[signal.Index];
        if (signal.Done)
        {
            item.Done = true;
            _running--;
        }
        else if (signal.Index == _head)
        {
            yield return new OrderedEvent<T>(item.Index, item.Tag, signal.Event!);
        }
        else
        {
            item.Buffered.Add(signal.Event!);
        }
        while (_head < _items.Count && _items[_head].Done)
        {
            var done = _items[_head];
            foreach (var e in done.Buffered) yield return new OrderedEvent<T>(done.Index, done.Tag, e);
            done.Buffered.Clear();
            yield return done.Error == null
                ? new OrderedResult<T>(done.Index, done.Tag, done.Result!)
                : new OrderedFailure<T>(done.Index, done.Tag, done.Error);
            _head++;
            if (_head < _items.Count)
            {
                var next = _items[_head];
                foreach (var e in next.Buffered) yield return new OrderedEvent<T>(next.Index, next.Tag, e);
                next.Buffered.Clear();
            }
        }
    }

    /// <summary>Waits for the items still running (their outcomes are dropped).</summary>
    public void Dispose()
    {
        foreach (var item in _items)
        {
            try
            {
                item.Task?.Wait();
            }
            catch (AggregateException)
            {
            }
        }
        _signals.Dispose();
    }

    private sealed class Item(int index, object? tag)
    {
        public int Index { get; } = index;
        public object? Tag { get; } = tag;
        public Task? Task { get; set; }
        public T? Result { get; set; }
        public Exception? Error { get; set; }
        public bool Done { get; set; }
        public List<EngineEvent> Buffered { get; } = [];
    }
}
