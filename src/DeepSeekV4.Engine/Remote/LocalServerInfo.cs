namespace DeepSeekV4.Engine.Remote;

/// <summary>A `dsv4 serve` child process started by Start-DSServer: where it listens and what it serves.</summary>
public sealed record LocalServerInfo(
    int Id,
    string State,
    Uri Endpoint,
    string ModelPath,
    int Parallel,
    int Queue,
    int ProcessId,
    DateTimeOffset StartTime,
    bool ApiKeyRequired)
{
    public override string ToString() => $"{Id}: {Endpoint} ({State})";
}
