using System.Management.Automation;
using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>Get-DSModel run in a real runspace: all models, by name, by wildcard, and a name that is not loaded.</summary>
public sealed class GetDSModelHostTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly PowerShellHost _host;
    private readonly string _other;

    public GetDSModelHostTests()
    {
        _other = _dir.CopyTinyModel("other.gguf");
        _host = PowerShellHost.WithModel();
        _host.Run("Import-DSModel -LiteralPath $args[0]", _other).Succeeded();
    }

    public void Dispose()
    {
        _host.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void Without_a_name_it_lists_every_model_of_the_session_and_marks_the_current_one()
    {
        var models = _host.Run("Get-DSModel").Succeeded().Objects<ModelInfo>();
        Assert.Equal(["dsv4-tiny.f16", "other"], models.Select(m => m.Name).Order());
        Assert.Equal("other", Assert.Single(models, m => m.IsCurrent).Name);
    }

    [Fact]
    public void A_name_gives_that_model_only()
    {
        var model = Assert.Single(_host.Run("Get-DSModel -Name other").Succeeded().Objects<ModelInfo>());
        Assert.Equal(_other, model.Path);
    }

    [Fact]
    public void A_wildcard_gives_the_models_it_matches_and_no_error_when_none()
    {
        var model = Assert.Single(_host.Run("Get-DSModel dsv4*").Succeeded().Objects<ModelInfo>());
        Assert.Equal(PowerShellHost.TinyModelPath, model.Path);
        var none = _host.Run("Get-DSModel zz*").Succeeded();
        Assert.Empty(none.Output);
    }

    [Fact]
    public void An_unknown_name_is_an_ObjectNotFound_error_and_the_others_are_still_listed()
    {
        var run = _host.Run("Get-DSModel -Name nosuch, other");
        var error = run.SingleError();
        ErrorAssert.Is(error, ErrorCategory.ObjectNotFound, "ModelNotLoaded");
        Assert.Contains("nosuch", ErrorAssert.MessageOf(error), StringComparison.Ordinal);
        Assert.Equal("other", Assert.Single(run.Objects<ModelInfo>()).Name);
    }

    [Fact]
    public void A_fresh_runspace_lists_no_models_even_while_another_holds_them()
    {
        using var fresh = new PowerShellHost();
        Assert.Empty(fresh.Run("Get-DSModel").Succeeded().Output);
    }
}
