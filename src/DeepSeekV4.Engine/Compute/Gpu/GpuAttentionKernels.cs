namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>The attention and KV-cache kernels (row codecs, compressors, the lightning indexer, sink attention).</summary>
public static class GpuAttentionKernels
{
    public static IReadOnlyList<GpuKernelDescriptor> All { get; } = [];
}
