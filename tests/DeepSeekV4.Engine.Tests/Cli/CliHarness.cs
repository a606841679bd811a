using DeepSeekV4.Cli;

namespace DeepSeekV4.Engine.Tests.Cli;

/// <summary>Runs a `dsv4` command as the console tool would and captures its exit code and both streams.</summary>
internal static class CliHarness
{
    public static (int Code, string Out, string Err) Run(ICliCommand command, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliRunner.Run(command, args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
