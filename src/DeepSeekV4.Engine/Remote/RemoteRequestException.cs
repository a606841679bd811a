namespace DeepSeekV4.Engine.Remote;

/// <summary>
/// The endpoint answered with an HTTP error other than an authentication failure: a request it refused (400, 404, 413),
/// or 429 / 503 still answered when the retries ran out.
/// </summary>
public sealed class RemoteRequestException(string message, Uri endpoint, int statusCode, Exception? inner = null)
    : RemoteEndpointException(message, endpoint, inner)
{
    public int StatusCode { get; } = statusCode;

    /// <summary>429 or 503: the server was overloaded, not the request wrong.</summary>
    public bool IsBusy => StatusCode is 429 or 503;
}
