using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>Import-DSModel run in a real runspace.</summary>
public class ImportDSModelHostTests
{
    [Fact]
    public void Import_loads_the_file_and_makes_it_current()
    {
        using var host = new PowerShellHost();
        var run = host.Run("Import-DSModel -LiteralPath $args[0] -PassThru", PowerShellHost.TinyModelPath).Succeeded();
        var info = Assert.Single(run.Objects<ModelInfo>());
        Assert.Equal("dsv4-tiny.f16", info.Name);
        Assert.True(info.IsCurrent);
        Assert.Equal(PowerShellHost.TinyModelPath, info.Path);
    }
}
