using System.Globalization;

namespace DeepSeekV4.Engine.Inference;

/// <summary>Token counts as people write them: 4096, 128K, 1M (K = 1024 tokens, M = 1024 K).</summary>
public static class TokenCount
{
    public static int Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Trim();
        long multiplier = 1;
        if (s.EndsWith("KB", StringComparison.OrdinalIgnoreCase) || s.EndsWith("MB", StringComparison.OrdinalIgnoreCase)) s = s[..^1];
        if (s.EndsWith('K') || s.EndsWith('k')) { multiplier = 1024; s = s[..^1]; }
        else if (s.EndsWith('M') || s.EndsWith('m')) { multiplier = 1024 * 1024; s = s[..^1]; }
        if (!long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) || n < 1 || n * multiplier > int.MaxValue)
            throw new FormatException($"'{text}' is not a token count (examples: 4096, 128K, 1M)");
        return (int)(n * multiplier);
    }
}
