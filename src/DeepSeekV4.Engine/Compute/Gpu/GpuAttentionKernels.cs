using DeepSeekV4.Engine.Compute.Gpu.Attention;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>The attention and KV-cache kernels (row codecs, compressors, the lightning indexer, sink attention).</summary>
public static class GpuAttentionKernels
{
    public const string CompressorStore = "compressor_store";
    public const string CompressorPool = "compressor_pool";
    public const string TopK = "top_k";

    public static IReadOnlyList<GpuKernelDescriptor> All { get; } =
    [
        .. GpuKvRowFormat.All.SelectMany(f => new[]
        {
            new GpuKernelDescriptor(f.EncodeName, f.Method(typeof(KvRowEncodeKernel)), ExplicitlyGrouped: false),
            new GpuKernelDescriptor(f.DecodeName, f.Method(typeof(KvRowDecodeKernel)), ExplicitlyGrouped: false),
        }),
        .. GpuKvRowFormat.IndexerKeyFormats.Select(f => new GpuKernelDescriptor(f.IndexerScoresName, f.Method(typeof(IndexerScoreKernel)), ExplicitlyGrouped: true)),
        .. GpuKvRowFormat.KvFormats.Select(f => new GpuKernelDescriptor(f.AttentionName, f.Method(typeof(SinkAttentionKernel)), ExplicitlyGrouped: true)),
        new GpuKernelDescriptor(CompressorStore, typeof(CompressorStoreKernel).GetMethod(nameof(CompressorStoreKernel.Run))!, ExplicitlyGrouped: false),
        new GpuKernelDescriptor(CompressorPool, typeof(CompressorPoolKernel).GetMethod(nameof(CompressorPoolKernel.Run))!, ExplicitlyGrouped: false),
        new GpuKernelDescriptor(TopK, typeof(TopKKernel).GetMethod(nameof(TopKKernel.Run))!, ExplicitlyGrouped: true),
    ];
}
