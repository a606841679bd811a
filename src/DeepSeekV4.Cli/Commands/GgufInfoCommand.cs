using DeepSeekV4.Engine.Gguf;

namespace DeepSeekV4.Cli.Commands;

/// <summary>
/// `dsv4 gguf-info FILE [--json]`: version, architecture, alignment and data offset; every metadata key with its
/// type (arrays summarized: element type, count and the first items); the tensor table with types, shapes and byte
/// sizes; totals by type.
/// </summary>
public sealed class GgufInfoCommand : ICliCommand, IFlagDeclaringCommand
{
    public string Name => "gguf-info";
    public string Usage => "gguf-info FILE [--json]";
    public IEnumerable<string> Flags => ["json"];

    public int Run(CliArguments args, TextWriter output)
    {
        if (args.Positional.Count != 1) throw new CliUsageException("expects exactly one FILE");
        bool json = args.Has("json");
        if (args.Unused().FirstOrDefault() is { } unknown) throw new CliUsageException($"unknown option --{unknown}");
        using var file = GgufFile.Open(args.Positional[0]);
        var summary = new GgufSummary(file);
        if (json) GgufInfoJson.Write(summary, output);
        else GgufInfoText.Write(summary, output);
        return 0;
    }
}
