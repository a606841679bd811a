using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>Get-DSKvCacheStats run in a real runspace: what the cache holds, per sequence and per layer.</summary>
public class GetDSKvCacheStatsHostTests
{
    [Fact]
    public void Before_any_completion_no_sequence_holds_tokens_or_bytes()
    {
        using var host = PowerShellHost.WithModel();
        var reports = host.Run("Get-DSKvCacheStats").Succeeded().Objects<KvCacheReport>();
        Assert.All(reports, r =>
        {
            Assert.Equal(0, r.Tokens);
            Assert.Equal(0, r.TotalBytes);
        });
    }

    [Fact]
    public void After_a_completion_the_active_sequence_holds_the_prompt_and_what_was_fed_back()
    {
        using var host = PowerShellHost.WithModel();
        var result = Assert.Single(host.Run("Invoke-DSCompletion -Prompt 'Why is the sky blue?' -MaxTokens 4 -Temperature 0").Succeeded().Objects<CompletionResult>());

        var reports = host.Run("Get-DSKvCacheStats").Succeeded().Objects<KvCacheReport>();

        var active = Assert.Single(reports, r => r.Sequence == "Active");
        Assert.Equal("dsv4-tiny.f16", active.Model);
        Assert.Equal(TinyModel.MaxContextLength, active.ContextLength);
        // Every prompt token is in the cache, and at most every generated one besides.
        Assert.InRange(active.Tokens, result.PromptTokens, result.PromptTokens + result.CompletionTokens);
        Assert.True(active.TotalBytes > 0);
    }

    [Fact]
    public void PerLayer_gives_each_layer_of_each_sequence_with_the_fixtures_attention_and_counts()
    {
        using var host = PowerShellHost.WithModel();
        // A prompt longer than the 128-token window, so that the window is full and the HCA layers hold an entry.
        var result = Assert.Single(host.Run("Invoke-DSCompletion -Prompt $args[0] -MaxTokens 1 -Temperature 0", TinyModel.Text(60))
            .Succeeded().Objects<CompletionResult>());
        Assert.True(result.PromptTokens > 128 + 1, $"the prompt has only {result.PromptTokens} tokens");
        var active = Assert.Single(host.Run("Get-DSKvCacheStats").Succeeded().Objects<KvCacheReport>(), r => r.Sequence == "Active");

        var layers = host.Run("Get-DSKvCacheStats -PerLayer").Succeeded().Objects<KvCacheLayerReport>().Where(l => l.Sequence == "Active").ToList();

        int tokens = active.Tokens;
        int[] ratios = TinyModel.CompressRatios;
        Assert.Equal(Enumerable.Range(0, TinyModel.LayerCount), layers.Select(l => l.Layer));
        Assert.Equal(ratios.Select(r => r switch { 0 => "window", 4 => "CSA", _ => "HCA" }), layers.Select(l => l.Attention));
        Assert.True(tokens > TinyModel.WindowSize, $"{tokens} tokens cached");
        foreach (var layer in layers)
        {
            // Every layer keeps at least the last window of tokens (the ring may keep a few more), never more than there are.
            Assert.InRange(layer.WindowTokens, TinyModel.WindowSize, tokens);
            Assert.Equal(layers[0].WindowTokens, layer.WindowTokens);
            // A compressed entry is made from each full group of `ratio` tokens.
            Assert.Equal(ratios[layer.Layer] == 0 ? 0 : tokens / ratios[layer.Layer], layer.CompressedEntries);
        }
        // The sequence's components are its layers' components added up.
        Assert.Equal(active.TotalBytes, layers.Sum(l => l.TotalBytes));
        Assert.Equal(active.WindowBytes, layers.Sum(l => l.WindowBytes));
        Assert.Equal(active.IndexerKeyBytes, layers.Sum(l => l.IndexerKeyBytes));
        Assert.Equal(active.CsaEntryBytes, layers.Where(l => l.CompressRatio == 4).Sum(l => l.CompressedBytes));
        Assert.Equal(active.HcaEntryBytes, layers.Where(l => l.CompressRatio == 128).Sum(l => l.CompressedBytes));
    }

    [Fact]
    public void Model_names_the_model_to_report_on()
    {
        using var dir = new TempDirectory();
        using var host = PowerShellHost.WithModel();
        host.Run("Invoke-DSCompletion -Prompt 'hello' -MaxTokens 1").Succeeded();
        host.Run("Import-DSModel -LiteralPath $args[0] -Name idle", dir.CopyTinyModel("idle.gguf")).Succeeded();

        var reports = host.Run("Get-DSKvCacheStats -Model dsv4-tiny.f16").Succeeded().Objects<KvCacheReport>();
        Assert.NotEmpty(reports);
        Assert.All(reports, r => Assert.Equal("dsv4-tiny.f16", r.Model));
        Assert.Contains(reports, r => r.Tokens > 0);
        // Without -Model: the current model, which has run nothing.
        Assert.All(host.Run("Get-DSKvCacheStats").Succeeded().Objects<KvCacheReport>(), r =>
        {
            Assert.Equal("idle", r.Model);
            Assert.Equal(0, r.Tokens);
        });
    }
}
