using System.Globalization;

namespace DeepSeekV4.Corpus;

/// <summary>"--name value" options after the subcommand; every option must be known to the subcommand.</summary>
public sealed class CorpusArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public CorpusArguments(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument '{list[i]}' (options are --name value)");
            string name = list[i][2..];
            string value = i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal) ? list[++i] : "true";
            if (!_values.TryAdd(name, value)) throw new ArgumentException($"option --{name} is given twice");
        }
    }

    public string Get(string name, string fallback)
    {
        _used.Add(name);
        return _values.GetValueOrDefault(name, fallback);
    }

    public string? Get(string name)
    {
        _used.Add(name);
        return _values.GetValueOrDefault(name);
    }

    public string Require(string name) => Get(name) ?? throw new ArgumentException($"option --{name} is required");

    public int GetInt(string name, int fallback)
    {
        string? v = Get(name);
        if (v == null) return fallback;
        return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : throw new ArgumentException($"--{name} expects an integer, got '{v}'");
    }

    public bool Has(string name) => Get(name) != null;

    public void CheckAllUsed()
    {
        var unknown = _values.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"unknown option --{unknown[0]}");
    }
}
