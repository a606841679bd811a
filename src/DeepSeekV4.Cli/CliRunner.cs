namespace DeepSeekV4.Cli;

/// <summary>Runs a command and turns its failures into one clear line on stderr and an exit code.</summary>
public static class CliRunner
{
    public static int Run(ICliCommand command, string[] args, TextWriter output, TextWriter error)
    {
        try
        {
            var parsed = command is IFlagDeclaringCommand f ? new CliArguments(args, f.Flags) : new CliArguments(args);
            int code = command.Run(parsed, output);
            output.Flush();
            return code;
        }
        catch (CliUsageException e)
        {
            error.WriteLine($"dsv4 {command.Name}: {e.Message}");
            error.WriteLine($"usage: dsv4 {command.Usage}");
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException
                                       or NotSupportedException or ArgumentException or KeyNotFoundException
                                       or Engine.Gguf.GgufFormatException or InvalidOperationException
                                       or Engine.Models.DeepSeekV4.UnsupportedModelException
                                       or Engine.Tokenization.TokenizerFormatException
                                       or Engine.Inference.ModelDoesNotFitException
                                       or Engine.Inference.DocumentTooLargeException
                                       or Engine.Inference.ContextOverflowException
                                       or Engine.Inference.ModelNameInUseException
                                       or OperationCanceledException)
        {
            error.WriteLine($"dsv4 {command.Name}: {e.Message}");
            return 1;
        }
    }
}

/// <summary>A command whose options include value-less flags (e.g. --json).</summary>
public interface IFlagDeclaringCommand
{
    IEnumerable<string> Flags { get; }
}
