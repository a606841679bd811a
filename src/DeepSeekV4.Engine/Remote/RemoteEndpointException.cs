namespace DeepSeekV4.Engine.Remote;

/// <summary>A remote endpoint failed a request; the subclasses say how, so that a host can tell the user what to do.</summary>
public abstract class RemoteEndpointException(string message, Uri endpoint, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The endpoint's base address (…/v1).</summary>
    public Uri Endpoint { get; } = endpoint;
}
