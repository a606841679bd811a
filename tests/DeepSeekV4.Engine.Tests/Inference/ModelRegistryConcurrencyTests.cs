using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Tests.Inference.Fakes;

namespace DeepSeekV4.Engine.Tests.Inference;

/// <summary>Several sessions acquiring one file while it loads: waiting, cancelling, failed loads, differing options.</summary>
public class ModelRegistryConcurrencyTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static ModelLease Acquire(ToyEnvironment env, ModelLoadOptions? options = null, Action<EngineEvent>? onEvent = null, CancellationToken ct = default) =>
        env.Registry.Acquire(env.ModelPath, null, KvCacheFormat.Native, options ?? new ModelLoadOptions(), false, onEvent, ct);

    /// <summary>A fresh file no one holds, and a loader gate: the first load blocks until released.</summary>
    private static (ToyEnvironment Env, ManualResetEventSlim Started, ManualResetEventSlim Release) BlockedFirstLoad(Action<CancellationToken>? whenReleased = null)
    {
        var env = new ToyEnvironment();
        env.Session.Remove(env.Model);
        var started = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        env.Loader.BeforeLoad = (number, ct) =>
        {
            if (number != 2) return;   // load 1 was the environment's own
            started.Set();
            release.Wait(ct);
            whenReleased?.Invoke(ct);
        };
        return (env, started, release);
    }

    [Fact]
    public async Task Waiting_for_a_load_in_progress_can_be_cancelled()
    {
        var (env, started, release) = BlockedFirstLoad();
        using (env)
        {
            var first = Task.Run(() => Acquire(env));
            Assert.True(started.Wait(Patience));
            using var cts = new CancellationTokenSource();
            var waiter = Task.Run(() => Acquire(env, ct: cts.Token));
            Thread.Sleep(50);
            Assert.False(waiter.IsCompleted);
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter);
            release.Set();
            using var lease = await first;
            Assert.Equal(1, lease.SharedBy);   // the cancelled waiter gave its claim back
        }
    }

    [Fact]
    public async Task A_failed_first_load_is_not_handed_to_a_waiter()
    {
        var (env, started, release) = BlockedFirstLoad(_ => throw new IOException("disk went away"));
        using (env)
        {
            var first = Task.Run(() => Acquire(env));
            Assert.True(started.Wait(Patience));
            var waiter = Task.Run(() => Acquire(env));
            Thread.Sleep(50);
            release.Set();
            await Assert.ThrowsAsync<IOException>(() => first);
            using var lease = await waiter;
            Assert.Equal(3, env.Loader.Loads);       // the environment's, the failed one, the waiter's own
            Assert.Equal(1, lease.SharedBy);
            Assert.False(((ToyModel)lease.Model.Model).Disposed);
        }
    }

    [Fact]
    public async Task A_cancelled_first_load_is_not_handed_to_a_waiter()
    {
        var (env, started, release) = BlockedFirstLoad();
        using (env)
        {
            using var cts = new CancellationTokenSource();
            var first = Task.Run(() => Acquire(env, ct: cts.Token));
            Assert.True(started.Wait(Patience));
            var waiter = Task.Run(() => Acquire(env));
            Thread.Sleep(50);
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
            using var lease = await waiter;
            Assert.Equal(1, lease.SharedBy);
            Assert.Equal(3, env.Loader.Loads);
        }
    }

    [Fact]
    public void Sharing_weights_loaded_with_other_options_warns_with_what_was_got()
    {
        using var env = new ToyEnvironment();
        var events = new List<EngineEvent>();
        using var same = Acquire(env, onEvent: events.Add);
        Assert.DoesNotContain(events, e => e is WarningEvent);

        using var other = Acquire(env, new ModelLoadOptions { LoadMode = GgufLoadMode.InMemory, Threads = 3 }, events.Add);
        var warning = Assert.Single(events.OfType<WarningEvent>());
        Assert.Contains("memory-mapped", warning.Message);
        Assert.Contains("not 3", warning.Message);
        Assert.Equal(GgufLoadMode.Mapped, other.Options.LoadMode);
        Assert.Equal(1, env.Loader.Loads);
    }

    [Fact]
    public void Reimporting_a_loaded_model_with_other_load_options_warns()
    {
        using var env = new ToyEnvironment();
        var events = new List<EngineEvent>();
        var again = env.Session.Import(env.ModelPath, contextLength: 1024, options: new ModelLoadOptions { LoadMode = GgufLoadMode.InMemory }, onEvent: events.Add);
        Assert.Same(env.Model, again);
        Assert.Contains("-NoMmap", Assert.Single(events.OfType<WarningEvent>()).Message);
    }
}
