using DeepSeekV4.Cli;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Engine.Tests.Cli;

public class CliRunnerTests
{
    private sealed class Throwing(Exception e) : ICliCommand
    {
        public string Name => "throwing";
        public string Usage => "throwing";
        public int Run(CliArguments args, TextWriter output) => throw e;
    }

    public static TheoryData<Exception> UserActionableFailures => new()
    {
        new TokenizerFormatException("vocab.json", "model.merges", "merge 'a b' names an unknown token"),
        new ContextOverflowException(2000, 1024, "doc.md"),
        new OperationCanceledException(),
    };

    [Theory]
    [MemberData(nameof(UserActionableFailures))]
    public void EngineErrorsBecomeOneLineAndExitCodeOne(Exception failure)
    {
        var error = new StringWriter();
        int code = CliRunner.Run(new Throwing(failure), [], new StringWriter(), error);
        Assert.Equal(1, code);
        Assert.Equal($"dsv4 throwing: {failure.Message}", error.ToString().TrimEnd());
    }
}
