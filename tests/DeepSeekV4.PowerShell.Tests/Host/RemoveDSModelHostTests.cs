using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>Remove-DSModel run in a real runspace: by name, by wildcard, -PassThru, -WhatIf and -Confirm:$false.</summary>
public class RemoveDSModelHostTests
{
    private static List<string> Names(PowerShellHost host) => [.. host.Run("Get-DSModel").Succeeded().Objects<ModelInfo>().Select(m => m.Name).Order()];

    [Fact]
    public void Removing_by_name_takes_the_model_out_of_the_session_and_PassThru_gives_what_was_removed()
    {
        using var host = PowerShellHost.WithModel();
        var removed = Assert.Single(host.Run("Remove-DSModel dsv4-tiny.f16 -PassThru").Succeeded().Objects<ModelInfo>());
        Assert.Equal(PowerShellHost.TinyModelPath, removed.Path);
        Assert.Empty(Names(host));
    }

    [Fact]
    public void Without_PassThru_nothing_is_written()
    {
        using var host = PowerShellHost.WithModel();
        Assert.Empty(host.Run("Remove-DSModel dsv4-tiny.f16").Succeeded().Output);
        Assert.Empty(Names(host));
    }

    [Fact]
    public void WhatIf_removes_nothing()
    {
        using var host = PowerShellHost.WithModel();
        host.Run("Remove-DSModel dsv4-tiny.f16 -WhatIf").Succeeded();
        Assert.Equal(["dsv4-tiny.f16"], Names(host));
        // And the model still works.
        host.Run("Invoke-DSCompletion -Prompt hi -MaxTokens 1").Succeeded();
    }

    [Fact]
    public void Confirm_false_removes_without_asking()
    {
        using var host = PowerShellHost.WithModel();
        host.Run("Remove-DSModel dsv4-tiny.f16 -Confirm:$false").Succeeded();
        Assert.Empty(Names(host));
    }

    [Fact]
    public void A_wildcard_removes_the_models_it_matches_and_the_remaining_one_becomes_current()
    {
        using var dir = new TempDirectory();
        using var host = PowerShellHost.WithModel();
        host.Run("Import-DSModel -LiteralPath $args[0], $args[1]", dir.CopyTinyModel("x1.gguf"), dir.CopyTinyModel("x2.gguf")).Succeeded();

        host.Run("Remove-DSModel x*").Succeeded();

        var left = Assert.Single(host.Run("Get-DSModel").Succeeded().Objects<ModelInfo>());
        Assert.Equal("dsv4-tiny.f16", left.Name);
        Assert.True(left.IsCurrent);
        Assert.Equal("dsv4-tiny.f16", Assert.Single(host.Run("Invoke-DSCompletion -Prompt hi -MaxTokens 1").Succeeded().Objects<CompletionResult>()).Model);
    }
}
