using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace DeepSeekV4.Engine.Inference;

/// <summary>
/// Runs engine work on a worker thread and hands its events to the thread that drains them, so that a host whose
/// output calls must stay on one thread (PowerShell's pipeline thread) can write them as they come.
/// </summary>
public sealed class BackgroundRun<T> : IDisposable
{
    private readonly BlockingCollection<EngineEvent> _events = new();
    private readonly Task _task;
    private T? _result;
    private ExceptionDispatchInfo? _error;

    private BackgroundRun(Func<Action<EngineEvent>, CancellationToken, T> work, CancellationToken cancellationToken)
    {
        _task = Task.Run(() =>
        {
            try
            {
                _result = work(e => _events.Add(e), cancellationToken);
            }
            catch (Exception e)
            {
                _error = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                _events.CompleteAdding();
            }
        }, CancellationToken.None);
    }

    public static BackgroundRun<T> Start(Func<Action<EngineEvent>, CancellationToken, T> work, CancellationToken cancellationToken) =>
        new(work, cancellationToken);

    /// <summary>The events, on the calling thread, until the work has ended (however it ended).</summary>
    public IEnumerable<EngineEvent> Events() => _events.GetConsumingEnumerable();

    /// <summary>Waits for the end of the work; its exception (including cancellation) is rethrown here.</summary>
    public T Result
    {
        get
        {
            _task.Wait();
            _error?.Throw();
            return _result!;
        }
    }

    public void Dispose()
    {
        try
        {
            _task.Wait();
        }
        catch (AggregateException)
        {
        }
        _events.Dispose();
    }
}
