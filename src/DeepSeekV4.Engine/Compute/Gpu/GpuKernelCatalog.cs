namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>Every kernel of the GPU backend: the weight products, the model's operations, and the attention and KV-cache kernels.</summary>
public static class GpuKernelCatalog
{
    public static IReadOnlyList<GpuKernelDescriptor> All { get; } =
    [
        .. GpuWeightKernels.All.Select(k => new GpuKernelDescriptor(k.Name, k.Method, ExplicitlyGrouped: true)),
        .. GpuModelKernels.All,
        .. GpuAttentionKernels.All,
    ];
}
