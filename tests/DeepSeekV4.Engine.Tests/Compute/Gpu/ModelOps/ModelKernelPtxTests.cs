using DeepSeekV4.Engine.Compute.Gpu;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu.ModelOps;

/// <summary>The model operations' kernels as PTX: all listed, and none uses an approximate instruction (approx, div.full, flush-to-zero): the CPU code they match is IEEE arithmetic.</summary>
public sealed class ModelKernelPtxTests
{
    [Fact]
    public void ModelKernelsCompileWithoutApproximateInstructions()
    {
        var kernels = PtxCompiler.Compile("sm_80", GpuModelKernels.All);
        Assert.Equal(GpuModelKernels.All.Select(k => k.Name), kernels.Select(k => k.Name));
        var approximate = kernels
            .SelectMany(k => k.Ptx.Split('\n').Where(l => l.Contains(".approx") || l.Contains(".ftz") || l.Contains("div.full")).Select(l => $"{k.Name}: {l.Trim()}"))
            .ToList();
        Assert.True(approximate.Count == 0, string.Join("\n", approximate.Take(40)));
    }
}
