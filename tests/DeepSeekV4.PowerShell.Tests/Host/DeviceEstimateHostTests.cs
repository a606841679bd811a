using System.Management.Automation;
using DeepSeekV4.Engine.Compute.Gpu;
using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>Get-DSMemoryEstimate against an accelerator's memory (-Device, -DeviceId, -DeviceMemory).</summary>
public class DeviceEstimateHostTests
{
    [Fact]
    public void A_plan_for_a_48GB_CUDA_device_needs_no_device_here()
    {
        using var host = new PowerShellHost();
        var e = Assert.Single(host.Run("Get-DSMemoryEstimate -Name V4-Flash -ContextLength 1M -Device Cuda -DeviceMemory 48GB").Succeeded().Objects<MemoryEstimate>());
        Assert.Equal("cuda:0", e.Device);
        Assert.Equal(48L << 30, e.AvailableBytes);
        Assert.Equal(e.RequiredBytes <= 48L << 30, e.Fits);
        Assert.Contains("on cuda:0", e.Describe());
    }

    [Fact]
    public void The_simulator_is_estimated_against_its_own_memory()
    {
        using var host = new PowerShellHost();
        var device = host.Run("Get-DSDevice -Kind Simulator").Succeeded().Objects<GpuDeviceInfo>().First(d => d.Id == "simulator:0");
        var e = Assert.Single(host.Run("Get-DSMemoryEstimate -LiteralPath $args[0] -ContextLength 512 -Device GpuSimulator", PowerShellHost.TinyModelPath)
            .Succeeded().Objects<MemoryEstimate>());
        Assert.Equal(("simulator:0", device.MemoryBytes), (e.Device, e.AvailableBytes));
        Assert.Equal("cpu", Assert.Single(host.Run("Get-DSMemoryEstimate -LiteralPath $args[0] -ContextLength 512", PowerShellHost.TinyModelPath)
            .Succeeded().Objects<MemoryEstimate>()).Device);
    }

    [Fact]
    public void An_absent_device_without_a_stated_memory_is_one_error_naming_it()
    {
        using var host = new PowerShellHost();
        if (host.Run("Get-DSDevice -Kind Cuda").Succeeded().Output.Count > 0) return;   // a machine with a GPU
        var run = host.Run("Get-DSMemoryEstimate -Name V4-Flash -Device Cuda -DeviceId 3");
        var error = Assert.Single(run.Errors);
        Assert.Equal(ErrorCategory.ResourceUnavailable, error.CategoryInfo.Category);
        Assert.Contains("cuda:3", error.ToString());
        Assert.Contains("-DeviceMemory", error.ToString());
        Assert.Empty(run.Output);
    }
}
