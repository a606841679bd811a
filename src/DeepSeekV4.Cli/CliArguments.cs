using System.Globalization;

namespace DeepSeekV4.Cli;

/// <summary>
/// Parsed command-line options: `--name value`, `-n value`, `--flag`, and positional words. Flags are declared by
/// the caller so that `--json FILE` is never misread.
/// </summary>
public sealed class CliArguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _repeated = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    public List<string> Positional { get; } = [];

    public CliArguments(IReadOnlyList<string> args, IEnumerable<string>? flags = null)
    {
        var flagSet = new HashSet<string>(flags ?? [], StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (a.StartsWith('-') && a.Length > 1 && !IsNumber(a))
            {
                string name = a.TrimStart('-');
                int eq = name.IndexOf('=');
                if (eq > 0)
                {
                    _options[name[..eq]] = name[(eq + 1)..];
                    Remember(name[..eq], name[(eq + 1)..]);
                }
                else if (flagSet.Contains(name) || i + 1 >= args.Count)
                {
                    _options[name] = null;
                }
                else
                {
                    _options[name] = args[++i];
                    Remember(name, args[i]);
                }
            }
            else
            {
                Positional.Add(a);
            }
        }
    }

    private void Remember(string name, string value)
    {
        if (!_repeated.TryGetValue(name, out var values)) _repeated[name] = values = [];
        values.Add(value);
    }

    /// <summary>Every value of an option that may be repeated (`--file a --file b`), in order.</summary>
    public IReadOnlyList<string> GetAll(string name)
    {
        _used.Add(name);
        return _repeated.TryGetValue(name, out var values) ? values : [];
    }

    private static bool IsNumber(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    public bool Has(string name)
    {
        _used.Add(name);
        return _options.ContainsKey(name);
    }

    public string? Get(string name)
    {
        _used.Add(name);
        return _options.TryGetValue(name, out var v) ? v : null;
    }

    public string Require(string name) =>
        Get(name) ?? throw new CliUsageException($"missing required option --{name}");

    public int GetInt(string name, int fallback)
    {
        var v = Get(name);
        if (v == null) return fallback;
        return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new CliUsageException($"--{name} expects an integer, got '{v}'");
    }

    public double GetDouble(string name, double fallback)
    {
        var v = Get(name);
        if (v == null) return fallback;
        return double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new CliUsageException($"--{name} expects a number, got '{v}'");
    }

    /// <summary>Options given but never asked for by the command: reported as errors so typos do not pass silently.</summary>
    public IEnumerable<string> Unused() => _options.Keys.Where(k => !_used.Contains(k));
}

/// <summary>A command line that does not fit the command's usage.</summary>
public sealed class CliUsageException(string message) : Exception(message);
