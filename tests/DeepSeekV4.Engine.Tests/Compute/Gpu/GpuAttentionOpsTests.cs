using DeepSeekV4.Engine.Compute.Gpu;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu;

/// <summary>The attention launchers as a whole: every kernel they list loads on the simulator with the launcher's signature.</summary>
[Trait("Category", "GpuSimulator")]
public sealed class GpuAttentionOpsTests
{
    [Fact]
    public void EveryAttentionKernelLoads()
    {
        var ops = new GpuAttentionOps(GpuDevices.Get(GpuDeviceKind.Simulator));
        ops.LoadAllKernels();
        ops.LoadAllKernels(); // the second time from the accelerator's cache
        // 7 row formats × (encode, decode), 6 key formats' scores, 6 K=V formats' attention, compressor store and pool, top-k.
        Assert.Equal(7 * 2 + 6 + 6 + 3, GpuAttentionKernels.All.Count);
    }
}
