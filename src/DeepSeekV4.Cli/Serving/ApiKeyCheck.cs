using System.Security.Cryptography;
using System.Text;

namespace DeepSeekV4.Cli.Serving;

/// <summary>
/// Checks "Authorization: Bearer KEY" against the server's key in constant time: both sides are hashed to 32 bytes
/// first, so neither the key's content nor its length leaks through timing.
/// </summary>
public sealed class ApiKeyCheck(string? apiKey)
{
    private readonly byte[]? _expected = apiKey == null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(apiKey));

    public bool Required => _expected != null;

    /// <summary>True when no key is configured, or the header carries the key.</summary>
    public bool Allows(string? authorizationHeader)
    {
        if (_expected == null) return true;
        const string Bearer = "Bearer ";
        string given = authorizationHeader != null && authorizationHeader.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase)
            ? authorizationHeader[Bearer.Length..].Trim()
            : "";
        byte[] actual = SHA256.HashData(Encoding.UTF8.GetBytes(given));
        return CryptographicOperations.FixedTimeEquals(actual, _expected) && given.Length > 0;
    }
}
