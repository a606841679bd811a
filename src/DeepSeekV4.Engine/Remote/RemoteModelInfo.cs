using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.Engine.Remote;

/// <summary>A remote model as the session holds it: its endpoint, the id the server serves it under, and its limits.</summary>
public sealed record RemoteModelInfo(
    string Name,
    Uri Endpoint,
    string ServedModel,
    int ContextLength,
    string? OwnedBy,
    int MaxConcurrency,
    TimeSpan Timeout,
    bool IsCurrent) : IModelInfo
{
    public ModelKind Kind => ModelKind.Remote;

    /// <summary>Where the model is: the endpoint (for the same column as a local model's file).</summary>
    public string Path => Endpoint.ToString();

    public override string ToString() => Name;
}
