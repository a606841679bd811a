namespace DeepSeekV4.HelpBuilder;

/// <summary>
/// The yaml block of a "### -Name" parameter section (Type, Parameter Sets, Aliases, Required, Position, Default
/// value, Accept pipeline input, Accept wildcard characters, and optionally Accepted values).
/// </summary>
public static class ParameterYaml
{
    private static readonly string[] RequiredKeys = ["Type", "Parameter Sets", "Required", "Position"];

    /// <summary>Reads one block; <paramref name="fail"/> builds the error for a missing or bad field.</summary>
    public static (string Type, ParameterUsage Usage) Read(string yaml, Func<string, Exception> fail)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in yaml.Split('\n'))
        {
            if (line.Trim().Length == 0) continue;
            var kv = line.Split(':', 2);
            if (kv.Length != 2) throw fail($"yaml line '{line.Trim()}' is not 'Key: value'");
            fields[kv[0].Trim()] = kv[1].Trim();
        }
        foreach (var key in RequiredKeys)
        {
            if (!fields.TryGetValue(key, out var value) || value.Length == 0) throw fail($"yaml block has no '{key}'");
        }

        string sets = fields["Parameter Sets"];
        string position = fields["Position"];
        int? pos = null;
        if (!position.Equals("Named", StringComparison.OrdinalIgnoreCase))
        {
            if (!int.TryParse(position, out int p) || p < 0) throw fail($"Position '{position}' is neither Named nor a number");
            pos = p;
        }
        var usage = new ParameterUsage(
            Sets: sets.Equals("(All)", StringComparison.OrdinalIgnoreCase) ? [] : List(sets),
            Aliases: List(fields.GetValueOrDefault("Aliases", "")),
            Required: Bool(fields["Required"], "Required", fail),
            Position: pos,
            DefaultValue: fields.GetValueOrDefault("Default value") is { Length: > 0 } d ? d : "None",
            PipelineInput: fields.GetValueOrDefault("Accept pipeline input") is { Length: > 0 } pi ? pi : "False",
            Globbing: fields.TryGetValue("Accept wildcard characters", out var g) && Bool(g, "Accept wildcard characters", fail),
            AcceptedValues: List(fields.GetValueOrDefault("Accepted values", "")));
        return (fields["Type"], usage);
    }

    private static List<string> List(string value) =>
        [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static bool Bool(string value, string key, Func<string, Exception> fail) =>
        bool.TryParse(value, out bool b) ? b : throw fail($"'{key}' is '{value}', not True or False");
}
