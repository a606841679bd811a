using DeepSeekV4.Cli;
using DeepSeekV4.Cli.Commands;

namespace DeepSeekV4.Engine.Tests.Cli;

public class BenchCommandTests
{
    [Theory]
    [InlineData(new string[0], "--model")]
    [InlineData(new[] { "--model", "m.gguf", "--kv-cache", "q5_k" }, "--kv-cache")]
    [InlineData(new[] { "--model", "m.gguf", "-p", "-3" }, "-p")]
    [InlineData(new[] { "--model", "m.gguf", "-p", "0", "-n", "0" }, "nothing to measure")]
    [InlineData(new[] { "--model", "m.gguf", "--threads", "0" }, "--threads")]
    [InlineData(new[] { "--model", "m.gguf", "--repetitions", "0" }, "--repetitions")]
    [InlineData(new[] { "--model", "m.gguf", "--mmap" }, "--mmap")]
    public void BadOptionsAreRefusedNamingThemBeforeAnyWork(string[] args, string named)
    {
        var error = new StringWriter();
        Assert.Equal(2, CliRunner.Run(new BenchCommand(), args, new StringWriter(), error));
        Assert.Contains(named, error.ToString());
    }

    [Fact]
    public void AMissingModelFileIsReportedWithItsPath()
    {
        var error = new StringWriter();
        string path = Path.Combine(Path.GetTempPath(), "no-such-dsv4-model.gguf");
        Assert.Equal(1, CliRunner.Run(new BenchCommand(), ["--model", path, "--json"], new StringWriter(), error));
        Assert.Contains(path, error.ToString());
    }
}
