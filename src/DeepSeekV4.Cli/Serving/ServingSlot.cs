using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.Cli.Serving;

/// <summary>
/// One generation slot: a session model whose KV and prefix cache persist across the requests it serves, and the
/// cache size it had after its last request (read by /metrics without waiting for a running generation).
/// </summary>
public sealed class ServingSlot(int index, SessionModel model)
{
    private long _kvCacheBytes;

    public int Index { get; } = index;

    public SessionModel Model { get; } = model;

    public long KvCacheBytes => Interlocked.Read(ref _kvCacheBytes);

    /// <summary>Records the cache size; call only while holding the slot (it waits on the model's gate).</summary>
    public void UpdateKvCacheBytes() => Interlocked.Exchange(ref _kvCacheBytes, Model.GetKvCacheReports().Sum(r => r.TotalBytes));
}
