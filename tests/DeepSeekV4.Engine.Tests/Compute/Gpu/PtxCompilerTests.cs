using DeepSeekV4.Engine.Compute.Gpu;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu;

/// <summary>Every GPU kernel compiles to PTX for sm_80 and sm_90 (PTX ISA 7.8) without a GPU.</summary>
public sealed class PtxCompilerTests
{
    [Theory]
    [InlineData("sm_80")]
    [InlineData("sm_90")]
    public void EveryKernelCompilesToPtx(string architecture)
    {
        var kernels = PtxCompiler.CompileAll(architecture);
        Assert.Equal(GpuKernelCatalog.All.Select(k => k.Name), kernels.Select(k => k.Name));
        Assert.Equal(kernels.Count, kernels.Select(k => k.Name).Distinct().Count());
        foreach (var kernel in kernels)
        {
            Assert.Contains(".version 7.8", kernel.Ptx);
            // ILGPU 1.5.3 writes ".target sm_80" for sm_80 and everything newer (checked for sm_86/89/90 with ISA 7.8,
            // 8.0 and 8.3); should a later ILGPU write the asked architecture, this still holds for sm_80 and tells for sm_90.
            Assert.Contains(kernel.Target, new[] { "sm_80", architecture });
            Assert.Contains($".target {kernel.Target}", kernel.Ptx);
            Assert.Contains($".entry {kernel.EntryName}(", kernel.Ptx);
            if (kernel.Name.StartsWith("weight_product_", StringComparison.Ordinal))
                Assert.Contains("shfl.sync.down", kernel.Ptx); // the warp reduction
            // Encoders must round as the CPU does: no saturating int8 conversion, Q4_0's product rounded before its add.
            if (kernel.Name.StartsWith("kv_encode_", StringComparison.Ordinal)) Assert.DoesNotContain("cvt.rzi.s8", kernel.Ptx);
            if (kernel.Name == "kv_encode_q4_0") Assert.Contains("mul.rn.f32", kernel.Ptx);
        }
    }

    [Fact]
    public void AnUnknownArchitectureIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => PtxCompiler.CompileAll("sm_75"));
        Assert.Contains("sm_75", e.Message);
    }
}
