namespace DeepSeekV4.Engine.Remote;

/// <summary>A request (with its retries) did not finish within the endpoint's timeout.</summary>
public sealed class RemoteTimeoutException(string message, Uri endpoint, TimeSpan timeout, Exception? inner = null)
    : RemoteEndpointException(message, endpoint, inner)
{
    public TimeSpan Timeout { get; } = timeout;
}
