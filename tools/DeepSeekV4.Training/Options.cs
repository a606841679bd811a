using System.Globalization;

namespace DeepSeekV4.Training;

/// <summary>--name value pairs and --flag switches.</summary>
public sealed class Options
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    public static Options Parse(IEnumerable<string> args)
    {
        var o = new Options();
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument '{list[i]}' (options are --name value)");
            string name = list[i][2..];
            string? value = i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal) ? list[++i] : null;
            o._values[name] = value;
        }
        return o;
    }

    public bool Flag(string name) => _values.ContainsKey(name);

    public string String(string name, string fallback) => _values.TryGetValue(name, out var v) && v is not null ? v : fallback;

    public string Required(string name) =>
        _values.TryGetValue(name, out var v) && v is not null ? v : throw new ArgumentException($"--{name} is required");

    public int Int(string name, int fallback) => _values.TryGetValue(name, out var v) && v is not null
        ? int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : throw new ArgumentException($"--{name}: '{v}' is not an integer")
        : fallback;

    public double Double(string name, double fallback) => _values.TryGetValue(name, out var v) && v is not null
        ? double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : throw new ArgumentException($"--{name}: '{v}' is not a number")
        : fallback;
}
