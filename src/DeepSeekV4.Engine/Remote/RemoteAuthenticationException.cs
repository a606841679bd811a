namespace DeepSeekV4.Engine.Remote;

/// <summary>The endpoint refused the API key (401) or the caller's rights (403).</summary>
public sealed class RemoteAuthenticationException(string message, Uri endpoint, int statusCode, Exception? inner = null)
    : RemoteEndpointException(message, endpoint, inner)
{
    public int StatusCode { get; } = statusCode;
}
