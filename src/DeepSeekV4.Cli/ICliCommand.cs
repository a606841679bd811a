namespace DeepSeekV4.Cli;

/// <summary>One `dsv4` subcommand. Implementations are found by reflection, so adding one touches no other file.</summary>
public interface ICliCommand
{
    /// <summary>The subcommand word, e.g. "gguf-info".</summary>
    string Name { get; }

    /// <summary>One usage line (after "dsv4 ").</summary>
    string Usage { get; }

    /// <summary>Runs the command; returns the process exit code.</summary>
    int Run(CliArguments args, TextWriter output);
}
