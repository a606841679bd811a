namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>The kernels of the model's operations other than attention (norms, rotations, hyper-connections, MoE, …).</summary>
public static class GpuModelKernels
{
    public static IReadOnlyList<GpuKernelDescriptor> All { get; } = [];
}
