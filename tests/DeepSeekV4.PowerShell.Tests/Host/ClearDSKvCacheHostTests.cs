using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>Clear-DSKvCache run in a real runspace: the cache is emptied (or not, with -WhatIf) and the next completion starts cold.</summary>
public class ClearDSKvCacheHostTests
{
    private const string Complete = "Invoke-DSCompletion -Prompt 'Tell me about the moon.' -MaxTokens 2 -Temperature 0";

    private static int CachedTokens(PowerShellHost host) => host.Run("Get-DSKvCacheStats").Succeeded().Objects<KvCacheReport>().Sum(r => r.Tokens);

    private static PowerShellHost HostWithCache()
    {
        var host = PowerShellHost.WithModel();
        host.Run(Complete).Succeeded();
        Assert.True(CachedTokens(host) > 0);
        return host;
    }

    [Fact]
    public void Clearing_empties_the_cache_and_the_next_completion_reuses_nothing()
    {
        using var host = HostWithCache();
        var warm = Assert.Single(host.Run(Complete).Succeeded().Objects<CompletionResult>());
        Assert.True(warm.ReusedTokens > 0, "the same prompt again reuses its cached prefix");

        Assert.Empty(host.Run("Clear-DSKvCache").Succeeded().Output);

        Assert.Equal(0, CachedTokens(host));
        var cold = Assert.Single(host.Run(Complete).Succeeded().Objects<CompletionResult>());
        Assert.Equal(0, cold.ReusedTokens);
        Assert.Equal(warm.Text, cold.Text);
    }

    [Fact]
    public void WhatIf_clears_nothing()
    {
        using var host = HostWithCache();
        int before = CachedTokens(host);
        host.Run("Clear-DSKvCache -WhatIf").Succeeded();
        Assert.Equal(before, CachedTokens(host));
    }

    [Fact]
    public void Confirm_false_clears_without_asking()
    {
        using var host = HostWithCache();
        host.Run("Clear-DSKvCache -Confirm:$false").Succeeded();
        Assert.Equal(0, CachedTokens(host));
    }

    [Fact]
    public void Model_and_PassThru_clear_the_named_model_and_give_it_back()
    {
        using var host = HostWithCache();
        var info = Assert.Single(host.Run("Clear-DSKvCache -Model dsv4-tiny.f16 -PassThru").Succeeded().Objects<ModelInfo>());
        Assert.Equal("dsv4-tiny.f16", info.Name);
        Assert.Equal(0, CachedTokens(host));
    }
}
