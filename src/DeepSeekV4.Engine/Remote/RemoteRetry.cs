using System.ClientModel;
using System.Globalization;

namespace DeepSeekV4.Engine.Remote;

/// <summary>
/// When to send a request again: only answers that mean "busy" (429, 503), at most <see cref="RemoteEndpointOptions.MaxRetries"/>
/// times, after the server's Retry-After (seconds or an HTTP date) or else a doubling backoff, each wait capped at
/// <see cref="RemoteEndpointOptions.MaxRetryDelay"/>, and never past the request's deadline.
/// </summary>
internal static class RemoteRetry
{
    public static bool IsRetryable(ClientResultException e) => e.Status is 429 or 503;

    /// <summary>The wait before try <paramref name="retry"/> (1 = the first retry).</summary>
    public static TimeSpan Delay(ClientResultException e, int retry, RemoteEndpointOptions options, DateTimeOffset now)
    {
        var delay = RetryAfter(e, now) ?? options.FirstRetryDelay * Math.Pow(2, retry - 1);
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > options.MaxRetryDelay ? options.MaxRetryDelay : delay;
    }

    /// <summary>The Retry-After header as a wait: delta-seconds or an HTTP date; null when absent or unreadable.</summary>
    public static TimeSpan? RetryAfter(ClientResultException e, DateTimeOffset now)
    {
        var response = e.GetRawResponse();
        if (response == null || !response.Headers.TryGetValue("Retry-After", out string? value) || string.IsNullOrWhiteSpace(value)) return null;
        value = value.Trim();
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds)) return TimeSpan.FromSeconds(seconds);
        if (DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)) return date - now;
        return null;
    }
}
