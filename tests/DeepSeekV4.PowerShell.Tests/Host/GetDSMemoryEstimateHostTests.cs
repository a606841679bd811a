using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>Get-DSMemoryEstimate run in a real runspace: files by -Path and -LiteralPath, and the built-in configurations.</summary>
public class GetDSMemoryEstimateHostTests
{
    private static void AddsUp(MemoryEstimate e)
    {
        Assert.Equal(e.Weights.Sum(w => w.Bytes), e.WeightBytes);
        Assert.Equal(e.KvCache.Sum(c => c.Bytes), e.KvCacheBytes);
        Assert.Equal(e.WeightBytes + e.KvCacheBytes + e.ScratchBytes, e.TotalBytes);
    }

    [Fact]
    public void Path_estimates_each_matching_file_with_the_weights_its_tensor_table_holds()
    {
        using var dir = new TempDirectory();
        dir.CopyTinyModel("e1.gguf");
        dir.CopyTinyModel("e2.gguf");
        using var host = new PowerShellHost();

        var estimates = host.Run("Get-DSMemoryEstimate (Join-Path $args[0] 'e*.gguf')", dir.Path).Succeeded().Objects<MemoryEstimate>();

        Assert.Equal(["e1.gguf", "e2.gguf"], estimates.Select(e => e.Model).Order());
        long tensorBytes = TinyModel.TensorBytes(PowerShellHost.TinyModelPath);
        foreach (var e in estimates)
        {
            Assert.Equal("deepseek4", e.Architecture);
            Assert.Equal(TinyModel.MaxContextLength, e.ContextLength);
            Assert.Equal(KvCacheFormat.Native, e.KvCacheType);
            Assert.Equal(tensorBytes, e.WeightBytes);
            Assert.False(e.WeightsAlreadyLoaded);
            AddsUp(e);
        }
    }

    [Fact]
    public void LiteralPath_and_ContextLength_estimate_a_smaller_cache_for_a_shorter_context()
    {
        using var dir = new TempDirectory();
        string odd = dir.CopyTinyModel("est[1].gguf");
        using var host = new PowerShellHost();

        var full = Assert.Single(host.Run("Get-DSMemoryEstimate -LiteralPath $args[0]", odd).Succeeded().Objects<MemoryEstimate>());
        var half = Assert.Single(host.Run("Get-DSMemoryEstimate -LiteralPath $args[0] -ContextLength 512", odd).Succeeded().Objects<MemoryEstimate>());

        Assert.Equal("est[1].gguf", full.Model);
        Assert.Equal(512, half.ContextLength);
        Assert.True(half.KvCacheBytes < full.KvCacheBytes, $"{half.KvCacheBytes} at 512 tokens, {full.KvCacheBytes} at {full.ContextLength}");
        Assert.Equal(full.WeightBytes, half.WeightBytes);
        AddsUp(half);
    }

    [Fact]
    public void A_file_loaded_by_the_session_counts_its_weights_as_already_in_memory()
    {
        using var dir = new TempDirectory();
        string copy = dir.CopyTinyModel("resident.gguf");
        using var host = PowerShellHost.WithModel(copy);

        var e = Assert.Single(host.Run("Get-DSMemoryEstimate -LiteralPath $args[0]", copy).Succeeded().Objects<MemoryEstimate>());

        Assert.True(e.WeightsAlreadyLoaded);
        Assert.Equal(e.KvCacheBytes + e.ScratchBytes, e.RequiredBytes);
    }

    [Fact]
    public void V4_Flash_at_1M_tokens_does_not_fit_in_48GB()
    {
        using var host = new PowerShellHost();
        var e = Assert.Single(host.Run("Get-DSMemoryEstimate -Name V4-Flash -ContextLength 1M -AvailableMemory 48GB").Succeeded().Objects<MemoryEstimate>());

        Assert.Equal(1 << 20, e.ContextLength);
        Assert.Equal(48L << 30, e.AvailableBytes);
        Assert.False(e.Fits);
        AddsUp(e);
        // V4-Flash has 284B parameters: at 8.5 bits each (Q8_0) that alone is far above 48 GiB.
        Assert.True(e.WeightBytes > 48L << 30);
    }

    [Fact]
    public void AvailableMemory_decides_whether_the_tiny_model_fits()
    {
        using var host = new PowerShellHost();
        var fits = Assert.Single(host.Run("Get-DSMemoryEstimate -LiteralPath $args[0] -AvailableMemory 1GB", PowerShellHost.TinyModelPath).Succeeded().Objects<MemoryEstimate>());
        var tight = Assert.Single(host.Run("Get-DSMemoryEstimate -LiteralPath $args[0] -AvailableMemory 1MB", PowerShellHost.TinyModelPath).Succeeded().Objects<MemoryEstimate>());
        Assert.True(fits.Fits);
        // The fixture's tensors alone are 7.8 MB.
        Assert.False(tight.Fits);
    }
}
