using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Models.DeepSeekV4;
using DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>Import-DSModel -MtpPath: a separate MTP file bound, reported, and refused when it is another model's.</summary>
public class MtpPathHostTests
{
    private static readonly SyntheticWeightMix F16 = SyntheticWeightMixes.Parse("f16");

    private static string WriteModel(TempDirectory dir, string name, int experts, string? mtpName = null)
    {
        var spec = SyntheticModelSpec.ForPreset(SyntheticPreset.Tiny, 3, experts);
        string path = dir.File(name);
        SyntheticModelWriter.Write(path, spec, F16, 1);
        if (mtpName != null) SyntheticModelWriter.WriteMtpFile(dir.File(mtpName), spec, F16, 1, MtpLayout.LlamaCppFile);
        return path;
    }

    [Fact]
    public void A_separate_mtp_file_is_bound_and_reported_and_the_completion_is_unchanged()
    {
        using var dir = new TempDirectory();
        string model = WriteModel(dir, "m.gguf", 8, "mtp-m.gguf");
        using var host = new PowerShellHost();
        var plain = Assert.Single(host.Run("Import-DSModel -LiteralPath $args[0] -Name plain -PassThru", model).Succeeded().Objects<ModelInfo>());
        Assert.Null(plain.Mtp);
        string expected = Assert.Single(host.Run("Invoke-DSCompletion -Prompt 'hello there' -MaxTokens 8 -Temperature 0").Succeeded().Objects<CompletionResult>()).Text;

        var info = Assert.Single(host.Run("Set-Location $args[1]; Import-DSModel -LiteralPath $args[0] -Name withmtp -MtpPath ./mtp-m.gguf -PassThru", model, dir.Path)
            .Succeeded().Objects<ModelInfo>());
        Assert.Equal(MtpLayout.LlamaCppFile, info.Mtp!.Layout);
        Assert.Equal(dir.File("mtp-m.gguf"), info.Mtp.Path);
        Assert.True(info.Mtp.TensorCount > 0);
        Assert.Equal(expected, Assert.Single(host.Run("Invoke-DSCompletion -Prompt 'hello there' -MaxTokens 8 -Temperature 0").Succeeded().Objects<CompletionResult>()).Text);
    }

    [Fact]
    public void An_mtp_file_of_another_model_is_one_error_naming_it()
    {
        using var dir = new TempDirectory();
        string model = WriteModel(dir, "m.gguf", 8);
        WriteModel(dir, "other.gguf", 16, "mtp-other.gguf");
        using var host = new PowerShellHost();
        var run = host.Run("Import-DSModel -LiteralPath $args[0] -MtpPath $args[1]", model, dir.File("mtp-other.gguf"));
        var error = Assert.Single(run.Errors);
        Assert.Contains("mtp-other.gguf", error.ToString());
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidType, error.CategoryInfo.Category);
        Assert.Empty(host.Run("Get-DSModel").Succeeded().Output);
    }

    [Fact]
    public void The_memory_estimate_counts_a_separate_mtp_files_weights_as_the_binding_reports_them()
    {
        using var dir = new TempDirectory();
        string model = WriteModel(dir, "m.gguf", 8, "mtp-m.gguf");
        using var host = new PowerShellHost();
        var plain = Assert.Single(host.Run("Get-DSMemoryEstimate -LiteralPath $args[0] -ContextLength 256", model).Succeeded().Objects<MemoryEstimate>());
        var withMtp = Assert.Single(host.Run("Set-Location $args[1]; Get-DSMemoryEstimate -LiteralPath $args[0] -ContextLength 256 -MtpPath ./mtp-m.gguf", model, dir.Path)
            .Succeeded().Objects<MemoryEstimate>());
        var bound = Assert.Single(host.Run("Import-DSModel -LiteralPath $args[0] -MtpPath $args[1] -PassThru", model, dir.File("mtp-m.gguf")).Succeeded().Objects<ModelInfo>());

        Assert.Equal(bound.Mtp!.Bytes, withMtp.WeightBytes - plain.WeightBytes);
        Assert.Equal("MTP file", withMtp.Weights[^1].Name);
        Assert.Equal(plain.KvCacheBytes, withMtp.KvCacheBytes);
    }

    [Fact]
    public void An_mtp_path_with_a_built_in_configuration_is_refused()
    {
        using var host = new PowerShellHost();
        var run = host.Run("Get-DSMemoryEstimate -Name V4-Flash -MtpPath ./x.gguf");
        Assert.Contains("-MtpPath", Assert.Single(run.Errors).ToString());
    }
}
