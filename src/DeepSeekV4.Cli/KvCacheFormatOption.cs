using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Cli;

/// <summary>The `--kv-cache` value of every command: a format name, case-insensitive (native, f32, f16, bf16, q8_0, q4_0).</summary>
public static class KvCacheFormatOption
{
    public const string Names = "native, f32, f16, bf16, q8_0, q4_0";

    public static bool TryParse(string text, out KvCacheFormat format)
    {
        foreach (var f in Enum.GetValues<KvCacheFormat>())
        {
            if (string.Equals(f.ToString(), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                format = f;
                return true;
            }
        }
        format = default;
        return false;
    }

    public static KvCacheFormat Parse(string text, string option = "kv-cache") =>
        TryParse(text, out var f) ? f : throw new CliUsageException($"--{option} expects one of {Names}; got '{text}'");

    /// <summary>The format named, or null when the option is absent (the engine then takes the numerics' own format).</summary>
    public static KvCacheFormat? ParseOptional(string? text, string option = "kv-cache") => text is null ? null : Parse(text, option);

    /// <summary>A comma-separated list of formats (at least one; duplicates kept once).</summary>
    public static IReadOnlyList<KvCacheFormat> ParseList(string text, string option = "kv-cache") =>
        [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } parts
            ? parts.Select(p => Parse(p, option)).Distinct()
            : throw new CliUsageException($"--{option} expects one or more of {Names} separated by commas; got '{text}'")];
}
