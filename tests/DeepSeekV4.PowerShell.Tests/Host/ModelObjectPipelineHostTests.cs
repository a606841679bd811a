using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>
/// Get-DSModel's objects piped into every cmdlet that takes a model or a model file. Two models are loaded and
/// only the one that is not current is piped, so a cmdlet that ignored its input and used the current model fails.
/// </summary>
public sealed class ModelObjectPipelineHostTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly PowerShellHost _host;
    private readonly string _piped;

    public ModelObjectPipelineHostTests()
    {
        _piped = _dir.CopyTinyModel("piped.gguf");
        _host = PowerShellHost.WithModel(_piped);
        _host.Run("Invoke-DSCompletion -Prompt 'Fill the cache.' -MaxTokens 2").Succeeded();
        _host.Run("Import-DSModel -LiteralPath $args[0] -Name current", PowerShellHost.TinyModelPath).Succeeded();
        _host.Run("Invoke-DSCompletion -Prompt 'Fill this one too.' -MaxTokens 2").Succeeded();
    }

    public void Dispose()
    {
        _host.Dispose();
        _dir.Dispose();
    }

    private int CachedTokens(string model) =>
        _host.Run("Get-DSKvCacheStats -Model $args[0]", model).Succeeded().Objects<KvCacheReport>().Sum(r => r.Tokens);

    [Fact]
    public void Into_Get_DSKvCacheStats_reports_the_piped_model()
    {
        var reports = _host.Run("Get-DSModel piped | Get-DSKvCacheStats").Succeeded().Objects<KvCacheReport>();
        Assert.NotEmpty(reports);
        Assert.All(reports, r => Assert.Equal("piped", r.Model));
        Assert.Contains(reports, r => r.Tokens > 0);
    }

    [Fact]
    public void Into_Get_DSKvCacheStats_PerLayer_reports_the_piped_models_layers()
    {
        var layers = _host.Run("Get-DSModel piped | Get-DSKvCacheStats -PerLayer").Succeeded().Objects<KvCacheLayerReport>();
        Assert.NotEmpty(layers);
        Assert.All(layers, l => Assert.Equal("piped", l.Model));
    }

    [Fact]
    public void Into_Remove_DSModel_removes_the_piped_model_only()
    {
        _host.Run("Get-DSModel piped | Remove-DSModel").Succeeded();
        Assert.Equal(["current"], _host.Run("Get-DSModel").Succeeded().Objects<ModelInfo>().Select(m => m.Name));
    }

    [Fact]
    public void Into_Clear_DSKvCache_clears_the_piped_model_only()
    {
        _host.Run("Get-DSModel piped | Clear-DSKvCache").Succeeded();
        Assert.Equal(0, CachedTokens("piped"));
        Assert.True(CachedTokens("current") > 0);
    }

    [Fact]
    public void Into_Get_DSMemoryEstimate_estimates_the_piped_models_file()
    {
        var e = Assert.Single(_host.Run("Get-DSModel piped | Get-DSMemoryEstimate").Succeeded().Objects<MemoryEstimate>());
        Assert.Equal(Path.GetFileName(_piped), e.Model);
        Assert.True(e.WeightsAlreadyLoaded);
        Assert.Equal(TinyModel.TensorBytes(_piped), e.WeightBytes);
    }

    [Fact]
    public void Into_Import_DSModel_imports_the_piped_models_file_again()
    {
        var run = _host.Run("Get-DSModel piped | Import-DSModel -PassThru").Succeeded();
        var info = Assert.Single(run.Objects<ModelInfo>());
        Assert.Equal(_piped, info.Path);
        Assert.Equal("piped", info.Name);
        Assert.True(info.IsCurrent);
        Assert.Equal(["current", "piped"], _host.Run("Get-DSModel").Succeeded().Objects<ModelInfo>().Select(m => m.Name).Order());
    }
}
