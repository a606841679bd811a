using DeepSeekV4.Engine.Compute.Gpu.Decoders;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// The weight types the GPU backend multiplies in place (kept in their ggml blocks on the device), each with its kernel.
/// Sizes and names come from the shared ggml type table (<see cref="GgmlTypeInfo"/>).
/// </summary>
public static class GpuWeightKernels
{
    private static readonly GpuWeightKernel[] Kernels =
    [
        new GpuWeightKernel<F32Decoder>(GgmlType.F32),
        new GpuWeightKernel<F16Decoder>(GgmlType.F16),
        new GpuWeightKernel<BF16Decoder>(GgmlType.BF16),
        new GpuWeightKernel<Q8_0Decoder>(GgmlType.Q8_0),
        new GpuWeightKernel<Q4_KDecoder>(GgmlType.Q4_K),
        new GpuWeightKernel<Q2_KDecoder>(GgmlType.Q2_K),
        new GpuWeightKernel<Iq2XxsDecoder>(GgmlType.IQ2_XXS),
        new GpuWeightKernel<Mxfp4Decoder>(GgmlType.MXFP4),
    ];

    public static IReadOnlyList<GpuWeightKernel> All => Kernels;

    public static bool IsSupported(GgmlType type) => Array.Exists(Kernels, k => k.Type == type);

    /// <summary>The kernel for <paramref name="type"/>; <see cref="NotSupportedException"/> naming the type when there is none.</summary>
    public static GpuWeightKernel For(GgmlType type) =>
        Array.Find(Kernels, k => k.Type == type)
        ?? throw new NotSupportedException($"the GPU backend has no weight kernel for {Dequantizer.Describe(type)} (it has {string.Join(", ", Kernels.Select(k => k.Info.Name))})");
}
