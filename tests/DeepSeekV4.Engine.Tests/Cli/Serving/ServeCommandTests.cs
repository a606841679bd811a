using System.Net;
using System.Text.RegularExpressions;
using DeepSeekV4.Cli;
using DeepSeekV4.Cli.Commands;
using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.Engine.Tests.Cli.Serving;

public class ServeCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Serve_listens_on_loopback_answers_health_and_stops_cleanly()
    {
        var registry = new ModelRegistry(DeepSeekV4ModelLoader.Instance, () => long.MaxValue);
        using var stop = new CancellationTokenSource();
        var printed = new StringWriter();
        var output = TextWriter.Synchronized(printed);
        string Printed()
        {
            lock (output) return printed.ToString(); // the synchronized writer locks on itself
        }

        var error = new StringWriter();
        var run = Task.Run(() => CliRunner.Run(new ServeCommand(registry, stop.Token),
            ["--model", FixturePaths.TinyModelF16, "--port", "0", "--context-length", "256", "--threads", "1", "--parallel", "2", "--queue", "3",
             "--api-key", "k", "--no-mmap"], output, error));
        try
        {
            Match address = Match.Empty;
            var deadline = DateTime.UtcNow + Timeout;
            while (!address.Success && !run.IsCompleted && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
                address = Regex.Match(Printed(), @"on (http://127\.0\.0\.1:\d+/)v1");
            }
            Assert.True(address.Success, $"no address printed: {Printed()} {error}");
            Assert.Contains("2 slot(s), queue 3", Printed());
            using var client = new HttpClient { BaseAddress = new Uri(address.Groups[1].Value), Timeout = Timeout };
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("health").WaitAsync(Timeout)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("v1/models").WaitAsync(Timeout)).StatusCode);
        }
        finally
        {
            stop.Cancel();
        }
        Assert.Equal(0, await run.WaitAsync(Timeout));
    }

    [Theory]
    [InlineData("--parallel", "0", "--parallel 0 must be >= 1")]
    [InlineData("--queue", "-1", "--queue -1 must be >= 0")]
    [InlineData("--port", "70000", "--port 70000")]
    [InlineData("--bogus", "1", "unknown option --bogus")]
    [InlineData("--numerics", "exact", "--numerics: 'exact' is not one of fast, reference, float")]
    public void Bad_options_are_usage_errors(string option, string value, string message)
    {
        var (code, _, err) = CliHarness.Run(new ServeCommand(), "--model", FixturePaths.TinyModelF16, option, value);
        Assert.Equal(2, code);
        Assert.Contains(message, err);
    }

    [Fact]
    public void A_host_that_is_not_an_address_is_refused_before_loading()
    {
        var (code, _, err) = CliHarness.Run(new ServeCommand(), "--model", FixturePaths.TinyModelF16, "--host", "example.com", "--port", "0");
        Assert.Equal(1, code);
        Assert.Contains("--host 'example.com' is not an IP address", err);
    }
}
