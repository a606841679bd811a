using System.Management.Automation;
using DeepSeekV4.Engine.Inference;
using CompletionResult = DeepSeekV4.Engine.Inference.CompletionResult;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>
/// PowerShell.Stop() (what Ctrl+C does) during prefill and during decode: the call ends Stopped within seconds, and
/// the same completion in that runspace afterwards gives the text a cold run in a fresh runspace gives.
/// </summary>
public class StopHostTests
{
    private static readonly TimeSpan FirstRecordTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Hundreds of tokens (the tiny vocabulary makes several of each word), within the 1,024-token context.</summary>
    private static readonly string LongPrompt = TinyModel.Text(90);

    [Fact]
    public void Stop_during_prefill_ends_the_call_and_the_next_call_gives_a_cold_runs_text()
    {
        const string script = "Invoke-DSCompletion -Prompt $args[0] -MaxTokens 6 -Temperature 0";
        using var host = PowerShellHost.WithModel();

        using (var ps = host.Create(script, LongPrompt))
        {
            using var firstProgress = new ManualResetEventSlim();
            ps.Streams.Progress.DataAdded += (_, _) => firstProgress.Set();
            var pending = ps.BeginInvoke();
            Assert.True(firstProgress.Wait(FirstRecordTimeout), "no progress record came");

            StopsWithin(ps, pending);

            // It was stopped while reading the prompt: no record says the prompt was read to the end.
            Assert.All(ps.Streams.Progress, p => Assert.True(p.PercentComplete < 100 && p.RecordType != ProgressRecordType.Completed,
                $"the prefill had ended before the stop: {p.StatusDescription} {p.PercentComplete}%"));
        }

        AgainGivesTheColdText(host, script, LongPrompt);
    }

    [Fact]
    public void Stop_during_decode_ends_the_call_and_the_next_call_gives_a_cold_runs_text()
    {
        const string script = "Invoke-DSCompletion -Prompt $args[0] -MaxTokens 200 -Temperature 0 -Stream";
        const string prompt = "Write a long story about a lighthouse keeper.";
        using var host = PowerShellHost.WithModel();

        using (var ps = host.Create(script, prompt))
        {
            using var firstChunk = new ManualResetEventSlim();
            ps.Streams.Information.DataAdded += (_, _) => firstChunk.Set();
            var pending = ps.BeginInvoke();
            Assert.True(firstChunk.Wait(FirstRecordTimeout), "no chunk came");

            StopsWithin(ps, pending);

            Assert.InRange(ps.Streams.Information.Count, 1, 199);
        }

        AgainGivesTheColdText(host, script, prompt);
    }

    /// <summary>Stop() returns, and the invocation has ended Stopped, within <see cref="StopTimeout"/>; it wrote no result.</summary>
    private static void StopsWithin(System.Management.Automation.PowerShell ps, IAsyncResult pending)
    {
        var stopping = ps.BeginStop(null, null);
        Assert.True(stopping.AsyncWaitHandle.WaitOne(StopTimeout), $"Stop() did not return within {StopTimeout.TotalSeconds} s");
        ps.EndStop(stopping);
        Assert.True(pending.AsyncWaitHandle.WaitOne(StopTimeout), $"the invocation did not end within {StopTimeout.TotalSeconds} s");
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        Assert.Throws<PipelineStoppedException>(() => ps.EndInvoke(pending));
    }

    private static void AgainGivesTheColdText(PowerShellHost host, string script, string prompt)
    {
        var again = Assert.Single(host.Run(script, prompt).Succeeded().Objects<CompletionResult>());
        using var fresh = PowerShellHost.WithModel();
        var cold = Assert.Single(fresh.Run(script, prompt).Succeeded().Objects<CompletionResult>());

        Assert.Equal(0, cold.ReusedTokens);
        Assert.Equal(cold.PromptTokens, again.PromptTokens);
        Assert.Equal(cold.CompletionTokens, again.CompletionTokens);
        Assert.Equal(cold.Text, again.Text);
    }
}
