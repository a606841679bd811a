using System.Globalization;

namespace DeepSeekV4.Engine.Remote;

/// <summary>
/// The samples of a Prometheus text exposition (version 0.0.4): metric name → the values of its series (one per label
/// set). Comments, timestamps and unparsable lines are skipped.
/// </summary>
public sealed class PrometheusText
{
    private readonly Dictionary<string, List<double>> _samples = new(StringComparer.Ordinal);

    public static PrometheusText Parse(string text)
    {
        var result = new PrometheusText();
        foreach (var raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            int nameEnd = line.IndexOfAny(['{', ' ', '\t']);
            if (nameEnd <= 0) continue;
            string name = line[..nameEnd];
            int valueStart = nameEnd;
            if (line[nameEnd] == '{')
            {
                int close = LabelsEnd(line, nameEnd);
                if (close < 0) continue;
                valueStart = close + 1;
            }
            var fields = line[valueStart..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0 || !TryValue(fields[0], out double value)) continue;
            if (!result._samples.TryGetValue(name, out var values)) result._samples[name] = values = [];
            values.Add(value);
        }
        return result;
    }

    public int Count => _samples.Count;

    public bool Has(string name) => _samples.ContainsKey(name);

    /// <summary>The sum over the metric's series (counters and counts add up across engines and ranks); null when absent.</summary>
    public double? Sum(string name) => _samples.TryGetValue(name, out var v) ? v.Sum() : null;

    /// <summary>The mean over the metric's series (fractions such as cache usage); null when absent.</summary>
    public double? Mean(string name) => _samples.TryGetValue(name, out var v) ? v.Average() : null;

    /// <summary>The first of <paramref name="names"/> that is present, summed.</summary>
    public double? SumOfFirst(params string[] names) => names.Select(Sum).FirstOrDefault(v => v != null);

    /// <summary>The first of <paramref name="names"/> that is present, averaged.</summary>
    public double? MeanOfFirst(params string[] names) => names.Select(Mean).FirstOrDefault(v => v != null);

    /// <summary>Where the label set closes: the first '}' outside a quoted label value.</summary>
    private static int LabelsEnd(string line, int open)
    {
        bool quoted = false;
        for (int i = open + 1; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted && c == '\\') i++;
            else if (c == '"') quoted = !quoted;
            else if (c == '}' && !quoted) return i;
        }
        return -1;
    }

    private static bool TryValue(string s, out double value)
    {
        switch (s)
        {
            case "NaN":
                value = double.NaN;
                return true;
            case "+Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            default:
                return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }
}
