using System.ClientModel;
using System.Net.Http;
using System.Text.Json;

namespace DeepSeekV4.Engine.Remote;

/// <summary>
/// What went wrong with a request to an endpoint, in the engine's exception types: the SDK's and the network's
/// exceptions become <see cref="RemoteAuthenticationException"/>, <see cref="RemoteRequestException"/>,
/// <see cref="RemoteConnectionException"/> or <see cref="InvalidDataException"/>, each message naming the input and the endpoint.
/// </summary>
internal static class RemoteFailure
{
    /// <summary>The engine exception for <paramref name="e"/>, or null when it is not a remote failure (let it pass).</summary>
    public static Exception? Translate(Exception e, string what, Uri endpoint, int retries) => e switch
    {
        ClientResultException { Status: 401 or 403 } c => new RemoteAuthenticationException(
            $"{what}: {endpoint} refused the request (HTTP {c.Status}{ServerMessage(c)}); check the API key given to Connect-DSEndpoint",
            endpoint, c.Status, e),
        ClientResultException { Status: 0 } c => new RemoteConnectionException(
            $"{what}: cannot reach {endpoint}: {Innermost(c).Message}", endpoint, e),
        ClientResultException c => new RemoteRequestException(
            $"{what}: {endpoint} answered HTTP {c.Status}{ServerMessage(c)}" +
            (RemoteRetry.IsRetryable(c) ? $" after {retries} {(retries == 1 ? "retry" : "retries")}" : ""), endpoint, c.Status, e),
        HttpRequestException or IOException => new RemoteConnectionException(
            $"{what}: the connection to {endpoint} failed or dropped before the answer was complete: {Innermost(e).Message}", endpoint, e),
        JsonException or FormatException => new InvalidDataException($"{what}: {endpoint} sent a malformed answer: {e.Message}", e),
        _ => null,
    };

    /// <summary>The server's own words from an OpenAI error body ({"error": {"message": …}}), if it sent one.</summary>
    private static string ServerMessage(ClientResultException e)
    {
        try
        {
            var content = e.GetRawResponse()?.Content;
            if (content == null || content.ToMemory().IsEmpty) return "";
            using var json = JsonDocument.Parse(content.ToMemory());
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                    return ": " + m.GetString();
                if (error.ValueKind == JsonValueKind.String) return ": " + error.GetString();
            }
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("message", out var top) && top.ValueKind == JsonValueKind.String)
                return ": " + top.GetString();
        }
        catch (JsonException)
        {
        }
        catch (InvalidOperationException)
        {
        }
        return "";
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException != null) e = e.InnerException;
        return e;
    }
}
