using System.Management.Automation;
using DeepSeekV4.Engine.Inference;
using CompletionResult = DeepSeekV4.Engine.Inference.CompletionResult;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>A server that goes away in the middle of a piped run: error records for the rest, and a run after its restart works.</summary>
public sealed class RemoteEndpointFailureHostTests
{
    [Fact]
    public void A_server_stopped_mid_run_gives_error_records_for_the_rest_and_a_run_after_restart_works()
    {
        using var server = new ServeProcess("failure-test-key", parallel: 1);
        using var host = new PowerShellHost();
        host.Run("Connect-DSEndpoint $args[0] -Name cluster -ApiKey (ConvertTo-SecureString $args[1] -AsPlainText -Force) -TimeoutSec 60",
            server.Api, server.ApiKey).Succeeded();
        Action stop = server.Stop;
        var run = host.Run("$stop = $args[0]; 1..12 | ForEach-Object { if ($_ -eq 6) { $stop.Invoke() }; \"document $_\" } | " +
                           "Invoke-DSCompletion -Model cluster -ThrottleLimit 2 -MaxTokens 3 -Seed 1", stop);
        Assert.Null(run.Terminating);
        var results = run.Objects<CompletionResult>();
        Assert.True(results.Count >= 1, "the documents before the stop were answered");
        Assert.True(run.Errors.Count >= 7, $"documents 6..12 fail at least ({run.Errors.Count} errors)");
        Assert.Equal(12, results.Count + run.Errors.Count);
        Assert.All(run.Errors, e => Assert.Equal(ErrorCategory.ConnectionError, e.CategoryInfo.Category));
        var named = results.Select(r => r.Source).Concat(run.Errors.Select(e => (string)e.TargetObject)).ToList();
        Assert.Equal(Enumerable.Range(1, 12).Select(i => $"pipeline:{i}"), named);
        Assert.All(run.Errors, e => Assert.Contains((string)e.TargetObject, ErrorAssert.MessageOf(e), StringComparison.Ordinal));

        server.Restart();
        var again = host.RunWithInput("$input | Invoke-DSCompletion -Model cluster -ThrottleLimit 2 -MaxTokens 3 -Seed 1", new[] { "document 1", "document 2" }).Succeeded();
        Assert.Equal(2, again.Objects<CompletionResult>().Count);
    }
}
