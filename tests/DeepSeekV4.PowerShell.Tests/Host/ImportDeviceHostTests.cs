using System.Management.Automation;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.KvCache;
using CompletionResult = DeepSeekV4.Engine.Inference.CompletionResult;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>Import-DSModel -Device / -DeviceId: where the model runs, the Auto fallback, and the errors for devices that cannot take it.</summary>
public class ImportDeviceHostTests
{
    private static bool HasCuda(PowerShellHost host) => host.Run("Get-DSDevice -Kind Cuda").Succeeded().Output.Count > 0;

    [Fact]
    public void Auto_without_a_CUDA_device_runs_on_the_CPU_and_says_why_with_Verbose()
    {
        using var host = new PowerShellHost();
        if (HasCuda(host)) return;   // a machine with a GPU takes it
        // A private copy: a test running beside this one may hold the fixture loaded, and a shared model is not loaded again.
        using var dir = new TempDirectory();
        var run = host.Run("Import-DSModel -LiteralPath $args[0] -Device Auto -NoWarmUp -PassThru -Verbose", dir.CopyTinyModel("auto.gguf")).Succeeded();
        Assert.Equal("cpu", Assert.Single(run.Objects<ModelInfo>()).Device);
        Assert.Contains(run.Verbose, v => v.Message.Contains("device Auto: no CUDA device", StringComparison.Ordinal) && v.Message.Contains("runs on the CPU", StringComparison.Ordinal));
    }

    [Fact]
    public void A_model_shared_from_another_session_names_its_device_with_Verbose()
    {
        using var dir = new TempDirectory();
        string model = dir.CopyTinyModel("shared.gguf");
        using var first = new PowerShellHost();
        first.Run("Import-DSModel -LiteralPath $args[0] -Device Cpu -NoWarmUp", model).Succeeded();
        using var second = new PowerShellHost();
        var run = second.Run("Import-DSModel -LiteralPath $args[0] -Device Cpu -NoWarmUp -PassThru -Verbose", model).Succeeded();
        Assert.Equal(2, Assert.Single(run.Objects<ModelInfo>()).SharedBy);
        Assert.Contains(run.Verbose, v => v.Message.StartsWith("loaded ", StringComparison.Ordinal) && v.Message.EndsWith(", on cpu)", StringComparison.Ordinal));
    }

    [Fact]
    public void The_model_object_and_the_cache_statistics_say_the_CPU()
    {
        using var host = new PowerShellHost();
        var info = Assert.Single(host.Run("Import-DSModel -LiteralPath $args[0] -Device Cpu -NoWarmUp -PassThru", PowerShellHost.TinyModelPath).Succeeded().Objects<ModelInfo>());
        Assert.Equal("cpu", info.Device);
        host.Run("Invoke-DSCompletion -Prompt 'hello' -MaxTokens 2 -Seed 1").Succeeded();
        var stats = host.Run("Get-DSKvCacheStats").Succeeded().Objects<KvCacheReport>();
        Assert.NotEmpty(stats);
        Assert.All(stats, s => Assert.Equal("cpu", s.Statistics.Device));
    }

    [Fact]
    public void An_absent_CUDA_device_is_one_error_naming_it_and_nothing_is_loaded()
    {
        using var host = new PowerShellHost();
        if (HasCuda(host)) return;
        var run = host.Run("Import-DSModel -LiteralPath $args[0] -Device Cuda -DeviceId 1 -NoWarmUp", PowerShellHost.TinyModelPath);
        var error = Assert.Single(run.Errors);
        Assert.Equal(ErrorCategory.ResourceUnavailable, error.CategoryInfo.Category);
        Assert.Contains("cuda:1", ErrorAssert.MessageOf(error));
        Assert.Contains("no CUDA", ErrorAssert.MessageOf(error));
        Assert.DoesNotContain("-DeviceMemory", ErrorAssert.MessageOf(error));   // the estimate's advice, not a load's
        Assert.Empty(host.Run("Get-DSModel").Succeeded().Output);
    }

    [Fact]
    public void On_the_GPU_simulator_completions_run_there_and_the_cache_statistics_say_so()
    {
        using var host = new PowerShellHost();
        var info = Assert.Single(host.Run("Import-DSModel -LiteralPath $args[0] -Device GpuSimulator -ContextLength 256 -NoWarmUp -PassThru", PowerShellHost.TinyModelPath)
            .Succeeded().Objects<ModelInfo>());
        Assert.Equal("simulator:0", info.Device);
        var result = Assert.Single(host.Run("Invoke-DSCompletion -Prompt 'hello' -MaxTokens 3 -Seed 7").Succeeded().Objects<CompletionResult>());
        Assert.Equal(3, result.CompletionTokens);
        var stats = host.Run("Get-DSKvCacheStats").Succeeded().Objects<KvCacheReport>();
        Assert.NotEmpty(stats);
        Assert.All(stats, s => Assert.Equal("simulator:0", s.Statistics.Device));
        // The same completion on the CPU gives the same text (greedy-equivalent seed, float products on both).
        using var cpu = new PowerShellHost();
        cpu.Run("Import-DSModel -LiteralPath $args[0] -Device Cpu -ContextLength 256 -NoWarmUp", PowerShellHost.TinyModelPath).Succeeded();
        var onCpu = Assert.Single(cpu.Run("Invoke-DSCompletion -Prompt 'hello' -MaxTokens 3 -Seed 7").Succeeded().Objects<CompletionResult>());
        Assert.Equal(onCpu.Text, result.Text);
    }
}
