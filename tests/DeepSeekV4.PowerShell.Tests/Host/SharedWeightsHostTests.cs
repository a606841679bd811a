using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>
/// Two runspaces in parallel on one file: the weights are loaded once and shared by reference count, each runspace
/// has its own sequences, and the last one to remove the model frees it. The file is a private copy, so the
/// process-wide counts checked here are this test's own.
/// </summary>
public class SharedWeightsHostTests
{
    [Fact]
    public async Task Two_runspaces_share_the_weights_with_separate_caches_and_the_last_removal_frees_them()
    {
        using var dir = new TempDirectory();
        string file = dir.CopyTinyModel("shared.gguf");
        using var a = PowerShellHost.WithModel(file);
        using var b = PowerShellHost.WithModel(file);

        Assert.Equal(2, Assert.Single(a.Run("Get-DSModel").Succeeded().Objects<ModelInfo>()).SharedBy);
        Assert.Equal(2, Assert.Single(b.Run("Get-DSModel").Succeeded().Objects<ModelInfo>()).SharedBy);
        Assert.Equal(2, Assert.Single(ModelRegistry.Shared.Loaded, e => e.Key == file).Value);

        // Completions in both at once, with prompts of very different lengths.
        const string script = "Invoke-DSCompletion -Prompt $args[0] -MaxTokens 3 -Temperature 0";
        var inA = Task.Run(() => a.Run(script, "Hi."));
        var inB = Task.Run(() => b.Run(script, TinyModel.Text(40)));
        var resultA = Assert.Single((await inA).Succeeded().Objects<CompletionResult>());
        var resultB = Assert.Single((await inB).Succeeded().Objects<CompletionResult>());
        Assert.True(resultB.PromptTokens > resultA.PromptTokens + 2 * 3, $"prompts of {resultA.PromptTokens} and {resultB.PromptTokens} tokens");

        // Each runspace's cache holds its own sequence only.
        OwnCache(a, resultA);
        OwnCache(b, resultB);

        // Removing it in one leaves the other working, on the same weights.
        a.Run("Remove-DSModel shared").Succeeded();
        Assert.Equal(1, Assert.Single(ModelRegistry.Shared.Loaded, e => e.Key == file).Value);
        Assert.Equal(1, Assert.Single(b.Run("Get-DSModel").Succeeded().Objects<ModelInfo>()).SharedBy);
        var afterRemoval = Assert.Single(b.Run(script, TinyModel.Text(40)).Succeeded().Objects<CompletionResult>());
        Assert.Equal(resultB.Text, afterRemoval.Text);

        b.Run("Remove-DSModel shared").Succeeded();
        Assert.DoesNotContain(file, ModelRegistry.Shared.Loaded.Keys);
    }

    [Fact]
    public void Closing_a_runspace_releases_its_share()
    {
        using var dir = new TempDirectory();
        string file = dir.CopyTinyModel("closed.gguf");
        using var stays = PowerShellHost.WithModel(file);
        using (PowerShellHost.WithModel(file))
        {
            Assert.Equal(2, ModelRegistry.Shared.Loaded[file]);
        }
        Assert.Equal(1, ModelRegistry.Shared.Loaded[file]);
        Assert.Equal(1, Assert.Single(stays.Run("Get-DSModel").Succeeded().Objects<ModelInfo>()).SharedBy);
    }

    private static void OwnCache(PowerShellHost host, CompletionResult own)
    {
        var reports = host.Run("Get-DSKvCacheStats").Succeeded().Objects<KvCacheReport>();
        var active = Assert.Single(reports, r => r.Sequence == "Active");
        Assert.InRange(active.Tokens, own.PromptTokens, own.PromptTokens + own.CompletionTokens);
        Assert.All(reports, r => Assert.InRange(r.Tokens, 0, own.PromptTokens + own.CompletionTokens));
    }
}
