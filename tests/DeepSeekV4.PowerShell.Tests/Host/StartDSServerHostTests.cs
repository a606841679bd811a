using System.Diagnostics;
using System.Management.Automation;
using DeepSeekV4.Engine.Remote;
using CompletionResult = DeepSeekV4.Engine.Inference.CompletionResult;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>Start-DSServer runs dsv4 serve as a child process that the session can use, list and stop.</summary>
public sealed class StartDSServerHostTests
{
    [Fact]
    public void A_started_server_serves_the_model_is_listed_and_stops_with_its_connected_model()
    {
        using var host = new PowerShellHost();
        var server = Assert.Single(host.Run("Start-DSServer -Path $args[0] -Port 0 -ContextLength 512 -Threads 1 -Parallel 2 -Connect -Name served " +
                                            "-ApiKey (ConvertTo-SecureString 'k' -AsPlainText -Force)", PowerShellHost.TinyModelPath).Succeeded().Objects<LocalServerInfo>());
        Assert.Equal(("Running", "127.0.0.1", true), (server.State, server.Endpoint.Host, server.ApiKeyRequired));
        Assert.False(Process.GetProcessById(server.ProcessId).HasExited);

        var result = Assert.Single(host.Run("Invoke-DSCompletion 'Hello' -Model served -MaxTokens 3 -Seed 1").Succeeded().Objects<CompletionResult>());
        Assert.Equal(3, result.CompletionTokens);
        Assert.Equal(server.Id, Assert.Single(host.Run("Get-DSServer").Succeeded().Objects<LocalServerInfo>()).Id);

        var stopped = Assert.Single(host.Run("Get-DSServer | Stop-DSServer -PassThru").Succeeded().Objects<LocalServerInfo>());
        Assert.Equal("Exited", stopped.State);
        Assert.Empty(host.Run("Get-DSServer").Succeeded().Output);
        Assert.Empty(host.Run("Get-DSModel").Succeeded().Output);
        Assert.Throws<ArgumentException>(() => Process.GetProcessById(server.ProcessId));
    }

    [Fact]
    public void A_model_that_cannot_be_served_is_an_error_with_what_the_server_said()
    {
        using var host = new PowerShellHost();
        var error = host.Run("Start-DSServer -Path $args[0] -Port 0", Path.Combine(Path.GetTempPath(), "no-such-model.gguf")).SingleError();
        Assert.Contains("no-such-model.gguf", ErrorAssert.MessageOf(error), StringComparison.Ordinal);
        Assert.Empty(host.Run("Get-DSServer").Succeeded().Output);
    }

    [Fact]
    public void An_unknown_server_id_is_ObjectNotFound()
    {
        using var host = new PowerShellHost();
        ErrorAssert.Is(host.Run("Stop-DSServer 42").SingleError(), ErrorCategory.ObjectNotFound, "ServerNotFound");
    }
}
