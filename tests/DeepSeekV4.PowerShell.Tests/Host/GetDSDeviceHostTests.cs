using System.Management.Automation;
using DeepSeekV4.Engine.Compute.Gpu;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>Get-DSDevice run in a real runspace.</summary>
public class GetDSDeviceHostTests
{
    [Fact]
    public void Lists_the_simulator_with_memory_and_filters_by_kind()
    {
        using var host = new PowerShellHost();
        var all = host.Run("Get-DSDevice").Succeeded().Objects<GpuDeviceInfo>();
        var simulators = host.Run("Get-DSDevice -Kind Simulator").Succeeded().Objects<GpuDeviceInfo>();
        Assert.NotEmpty(simulators);
        Assert.All(simulators, d => Assert.Equal(GpuDeviceKind.Simulator, d.Kind));
        Assert.Equal("simulator:0", simulators[0].Id);
        Assert.True(simulators[0].MemoryBytes > 0);
        Assert.Equal(all.Count(d => d.Kind == GpuDeviceKind.Simulator), simulators.Count);
        Assert.All(host.Run("Get-DSDevice Cuda, OpenCL").Succeeded().Objects<GpuDeviceInfo>(), d => Assert.NotEqual(GpuDeviceKind.Simulator, d.Kind));
    }

    [Fact]
    public void Without_a_CUDA_device_the_verbose_stream_says_why()
    {
        using var host = new PowerShellHost();
        var run = host.Run("Get-DSDevice -Verbose").Succeeded();
        if (run.Objects<GpuDeviceInfo>().Any(d => d.Kind == GpuDeviceKind.Cuda)) return;   // a machine with a GPU: nothing to explain
        Assert.Contains(run.Verbose, v => v.Message.Contains("no CUDA", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_kind_is_refused_by_the_parameter()
    {
        using var host = new PowerShellHost();
        var run = host.Run("Get-DSDevice -Kind Vulkan");
        var error = Assert.Single(run.Errors);
        Assert.IsAssignableFrom<ParameterBindingException>(error.Exception);
        Assert.Empty(run.Output);
    }
}
