using System.Globalization;
using System.Text.RegularExpressions;

namespace DeepSeekV4.Engine.Gguf;

/// <summary>
/// llama.cpp's convention for a model stored as several GGUF files (llama-gguf-split): shard k of n is named
/// <c>&lt;prefix&gt;-0000k-of-0000n.gguf</c>; every shard has <c>split.no</c> (u16, from 0), <c>split.count</c> (u16)
/// and <c>split.tensors.count</c> (i32, the whole set's); the first shard holds all other metadata and may hold no
/// tensors. A file whose <c>split.count</c> is 0 or 1 (llama.cpp's merge writes 0) is a single file.
/// </summary>
public static partial class GgufSplit
{
    public const string NumberKey = "split.no";
    public const string CountKey = "split.count";
    public const string TensorCountKey = "split.tensors.count";

    /// <summary>The largest set the u16 count allows.</summary>
    public const int MaxShards = ushort.MaxValue;

    /// <summary>The path of shard <paramref name="number"/> (from 1) of <paramref name="count"/>.</summary>
    public static string ShardPath(string prefix, int number, int count) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}-{number:D5}-of-{count:D5}.gguf");

    /// <summary>Splits a shard's path into prefix, number (from 1) and count; false when the name does not follow the convention.</summary>
    public static bool TryParseShardPath(string path, out string prefix, out int number, out int count)
    {
        var m = ShardName().Match(path);
        prefix = m.Success ? m.Groups[1].Value : "";
        number = m.Success ? int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
        count = m.Success ? int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
        return m.Success && number >= 1 && number <= count;
    }

    /// <summary>
    /// The path that names a model: the first shard's when <paramref name="path"/> is a shard of a set whose first
    /// shard exists, else <paramref name="path"/> itself (so any shard of a set is the same model).
    /// </summary>
    public static string ModelPath(string path)
    {
        if (!TryParseShardPath(path, out var prefix, out _, out int count) || count < 2) return path;
        string first = ShardPath(prefix, 1, count);
        return File.Exists(first) ? first : path;
    }

    /// <summary>A size as llama-gguf-split takes it: a positive whole number followed by M (10^6 bytes) or G (10^9).</summary>
    public static long ParseSize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        long unit = t.EndsWith('M') || t.EndsWith('m') ? 1_000_000 : t.EndsWith('G') || t.EndsWith('g') ? 1_000_000_000 : 0;
        if (unit == 0 || !long.TryParse(t[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n <= 0 || n > long.MaxValue / unit)
            throw new FormatException($"'{text}' is not a split size: give a positive whole number followed by M (megabytes) or G (gigabytes), e.g. 500M or 4G");
        return n * unit;
    }

    [GeneratedRegex(@"^(.*)-(\d{5})-of-(\d{5})\.gguf$", RegexOptions.CultureInvariant)]
    private static partial Regex ShardName();
}
