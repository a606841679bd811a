namespace DeepSeekV4.HelpBuilder;

/// <summary>A docs page that does not follow the schema: names the file, the section and, where known, the line.</summary>
public sealed class HelpFormatException(string file, string section, string problem, int? line = null)
    : Exception($"{file}: {section}{(line is int l ? $" (line {l + 1})" : "")}: {problem}")
{
    public string File { get; } = file;

    public string Section { get; } = section;

    public string Problem { get; } = problem;
}
