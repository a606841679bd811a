using System.Text.RegularExpressions;

namespace DeepSeekV4.PowerShell.Tests;

/// <summary>
/// Reads the subset of PowerShell data syntax our manifest uses: <c>Key = 'value'</c> and <c>Key = @( 'a' 'b' )</c>
/// (items separated by new lines or commas). Nested hashtables are skipped by key name.
/// </summary>
public sealed partial class ModuleManifest
{
    private readonly Dictionary<string, string> _values = [];
    private readonly Dictionary<string, List<string>> _arrays = [];

    public ModuleManifest(string path)
    {
        string text = File.ReadAllText(path);
        foreach (Match m in ArrayEntry().Matches(text))
            _arrays[m.Groups[1].Value] = [.. QuotedString().Matches(m.Groups[2].Value).Select(q => q.Groups[1].Value)];
        foreach (Match m in ValueEntry().Matches(text))
            _values[m.Groups[1].Value] = m.Groups[2].Value;
    }

    public string Value(string key) => _values.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"manifest has no {key} = '...'");

    public IReadOnlyList<string> Array(string key) => _arrays.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"manifest has no {key} = @(...)");

    [GeneratedRegex(@"^\s*(\w+)\s*=\s*@\(([^)]*)\)", RegexOptions.Multiline)]
    private static partial Regex ArrayEntry();

    [GeneratedRegex(@"^\s*(\w+)\s*=\s*'([^']*)'", RegexOptions.Multiline)]
    private static partial Regex ValueEntry();

    [GeneratedRegex(@"'([^']*)'")]
    private static partial Regex QuotedString();
}
