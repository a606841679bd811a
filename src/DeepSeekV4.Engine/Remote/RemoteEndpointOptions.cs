namespace DeepSeekV4.Engine.Remote;

/// <summary>How to reach an OpenAI-compatible endpoint and how hard to push it.</summary>
public sealed record RemoteEndpointOptions
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(300);

    public const int DefaultMaxConcurrency = 4;

    /// <summary>The API's base address, e.g. http://host:8000/v1 (an address without a path gets /v1).</summary>
    public required Uri Uri { get; init; }

    /// <summary>The served model id; null picks the endpoint's only model.</summary>
    public string? ServedModel { get; init; }

    /// <summary>The name in the session; null uses the served id.</summary>
    public string? Name { get; init; }

    /// <summary>Sent as "Authorization: Bearer KEY"; null sends a placeholder (servers without a key ignore it).</summary>
    public string? ApiKey { get; init; }

    /// <summary>The longest one request may take, its retries included.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Requests a batch sends at once by default.</summary>
    public int MaxConcurrency { get; init; } = DefaultMaxConcurrency;

    /// <summary>How often a request answered 429 or 503 is sent again.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>The longest wait between two tries, whatever Retry-After asks for.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The first backoff when the server gives no Retry-After; it doubles with each retry.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The base address as used: absolute http(s), /v1 added to a bare host, no trailing slash.</summary>
    public Uri BaseUri
    {
        get
        {
            string path = Uri.AbsolutePath.TrimEnd('/');
            var builder = new UriBuilder(Uri) { Path = path.Length == 0 ? "/v1" : path, Query = "", Fragment = "" };
            return builder.Uri;
        }
    }

    public void Validate()
    {
        if (!Uri.IsAbsoluteUri || (Uri.Scheme != System.Uri.UriSchemeHttp && Uri.Scheme != System.Uri.UriSchemeHttps))
            throw new ArgumentException($"the endpoint '{Uri}' must be an absolute http:// or https:// address, e.g. http://host:8000/v1", nameof(Uri));
        if (Timeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, $"the timeout ({Timeout.TotalSeconds} s) must be positive");
        if (MaxConcurrency < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrency), MaxConcurrency, $"MaxConcurrency = {MaxConcurrency} must be >= 1");
        if (MaxRetries < 0) throw new ArgumentOutOfRangeException(nameof(MaxRetries), MaxRetries, $"MaxRetries = {MaxRetries} must be >= 0");
        if (Name is { } name && string.IsNullOrWhiteSpace(name)) throw new ArgumentException("a model name must not be empty", nameof(Name));
        if (ApiKey is { Length: 0 }) throw new ArgumentException("the API key must not be empty", nameof(ApiKey));
    }
}
