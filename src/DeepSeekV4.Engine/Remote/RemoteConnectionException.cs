namespace DeepSeekV4.Engine.Remote;

/// <summary>The endpoint could not be reached, or the connection dropped before the answer was complete.</summary>
public sealed class RemoteConnectionException(string message, Uri endpoint, Exception? inner = null)
    : RemoteEndpointException(message, endpoint, inner);
