using DeepSeekV4.Cli;
using DeepSeekV4.Cli.Commands;

namespace DeepSeekV4.Engine.Tests.Cli;

/// <summary>`dsv4 gpu-kernels` and `dsv4 devices`.</summary>
public sealed class GpuCommandsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dsv4-ptx-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static (int Code, string Out, string Err) Run(ICliCommand command, params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        int code = CliRunner.Run(command, args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void GpuKernelsWritesOnePtxFilePerKernel()
    {
        var (code, text, err) = Run(new GpuKernelsCommand(), "--ptx", _dir, "--arch", "sm_80");
        Assert.True(code == 0, err);
        var files = Directory.GetFiles(_dir).Select(Path.GetFileName).Order().ToList();
        Assert.Contains("weight_product_q4_k.sm_80.ptx", files);
        Assert.Equal(Engine.Compute.Gpu.GpuKernelCatalog.All.Select(k => k.Name).Distinct().Count(), files.Count);
        Assert.Contains(".target sm_80", File.ReadAllText(Path.Combine(_dir, "weight_product_iq2_xxs.sm_80.ptx")));
        Assert.Contains("weight_product_mxfp4", text);
        Assert.Contains(".entry Kernel_Run", text);
    }

    [Fact]
    public void GpuKernelsRefusesAnUnknownArchitecture()
    {
        var (code, _, err) = Run(new GpuKernelsCommand(), "--ptx", _dir, "--arch", "sm_61");
        Assert.Equal(2, code);
        Assert.Contains("--arch sm_61 is not one of sm_80", err);
    }

    [Fact]
    public void DevicesListsTheSimulatorWithItsMemory()
    {
        var (code, text, err) = Run(new DevicesCommand());
        Assert.True(code == 0, err);
        Assert.Contains("simulator:0", text);
        Assert.Contains("GiB", text);
    }
}
