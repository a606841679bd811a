using System.Reflection;
using DeepSeekV4.Engine.Compute.Gpu.Kernels;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// The kernels of the model's operations other than attention (norms, rotations, roundings, hyper-connections, MoE, …),
/// each under the name <see cref="GpuModelOps"/> loads it by. The row gather and the expert product exist once per
/// weight type, closed over the decoder of that type's weight product kernel (<see cref="GpuWeightKernels"/>).
/// </summary>
public static class GpuModelKernels
{
    public const string RmsNorm = "rms_norm_rows";
    public const string Rotate = "rotate";
    public const string RotaryAngles = "rotary_angles";
    public const string Fp8Rounding = "fp8_e4m3_rounding";
    public const string Fp4Rounding = "fp4_e2m1_rounding";
    public const string Hadamard = "hadamard";
    public const string HyperMixNorm = "hyper_mix_norm";
    public const string HyperSplit = "hyper_split";
    public const string HyperReduce = "hyper_reduce";
    public const string HyperExpand = "hyper_expand";
    public const string HeadPre = "head_pre";
    public const string Scale = "scale";
    public const string Add = "add";
    public const string CopyRows = "copy_rows";
    public const string SwapOuterAxes = "swap_outer_axes";
    public const string Route = "route";
    public const string SwiGlu = "swiglu";
    public const string ScatterAddSlots = "scatter_add_slots";
    public const string SlotCounts = "slot_groups_count";
    public const string SlotOffsets = "slot_groups_offsets";
    public const string SlotScatter = "slot_groups_scatter";

    /// <summary>"gather_rows_f16", …</summary>
    public static string GatherRowsName(GgmlType type) => "gather_rows_" + GgmlTypeInfo.Of(type).Name.ToLowerInvariant();

    /// <summary>"expert_product_q4_k", …</summary>
    public static string ExpertProductName(GgmlType type) => "expert_product_" + GgmlTypeInfo.Of(type).Name.ToLowerInvariant();

    /// <summary>"grouped_expert_product_q4_k", …</summary>
    public static string GroupedExpertProductName(GgmlType type) => "grouped_expert_product_" + GgmlTypeInfo.Of(type).Name.ToLowerInvariant();

    internal static MethodInfo GatherRowsMethod(GgmlType type) => Method(typeof(GatherRowsKernel), nameof(GatherRowsKernel.Run), DecoderOf(type));

    internal static MethodInfo ExpertProductMethod(GgmlType type) => Method(typeof(ExpertProductKernel), nameof(ExpertProductKernel.Run), DecoderOf(type));

    internal static MethodInfo GroupedExpertProductMethod(GgmlType type) =>
        Method(typeof(GroupedExpertProductKernel), nameof(GroupedExpertProductKernel.Run), DecoderOf(type));

    public static IReadOnlyList<GpuKernelDescriptor> All { get; } =
    [
        .. GpuWeightKernels.All.Select(k => new GpuKernelDescriptor(GatherRowsName(k.Type), GatherRowsMethod(k.Type), ExplicitlyGrouped: false)),
        .. GpuWeightKernels.All.Select(k => new GpuKernelDescriptor(ExpertProductName(k.Type), ExpertProductMethod(k.Type), ExplicitlyGrouped: true)),
        .. GpuWeightKernels.All.Select(k => new GpuKernelDescriptor(GroupedExpertProductName(k.Type), GroupedExpertProductMethod(k.Type), ExplicitlyGrouped: true)),
        new(RmsNorm, Method(typeof(RmsNormKernel), nameof(RmsNormKernel.Run)), ExplicitlyGrouped: true),
        new(Rotate, Method(typeof(RotaryKernel), nameof(RotaryKernel.Run)), ExplicitlyGrouped: false),
        new(RotaryAngles, Method(typeof(RotaryAnglesKernel), nameof(RotaryAnglesKernel.Run)), ExplicitlyGrouped: false),
        new(Fp8Rounding, Method(typeof(BlockRoundingKernel), nameof(BlockRoundingKernel.Run), typeof(Fp8E4M3Rounding)), ExplicitlyGrouped: false),
        new(Fp4Rounding, Method(typeof(BlockRoundingKernel), nameof(BlockRoundingKernel.Run), typeof(Fp4E2M1Rounding)), ExplicitlyGrouped: false),
        new(Hadamard, Method(typeof(HadamardKernel), nameof(HadamardKernel.Run)), ExplicitlyGrouped: true),
        new(HyperMixNorm, Method(typeof(HyperMixNormKernel), nameof(HyperMixNormKernel.Run)), ExplicitlyGrouped: true),
        new(HyperSplit, Method(typeof(HyperSplitKernel), nameof(HyperSplitKernel.Run)), ExplicitlyGrouped: false),
        new(HyperReduce, Method(typeof(HyperReduceKernel), nameof(HyperReduceKernel.Run)), ExplicitlyGrouped: false),
        new(HyperExpand, Method(typeof(HyperExpandKernel), nameof(HyperExpandKernel.Run)), ExplicitlyGrouped: false),
        new(HeadPre, Method(typeof(HeadPreKernel), nameof(HeadPreKernel.Run)), ExplicitlyGrouped: false),
        new(Scale, Method(typeof(ElementwiseKernels), nameof(ElementwiseKernels.Scale)), ExplicitlyGrouped: false),
        new(Add, Method(typeof(ElementwiseKernels), nameof(ElementwiseKernels.Add)), ExplicitlyGrouped: false),
        new(CopyRows, Method(typeof(CopyRowsKernel), nameof(CopyRowsKernel.Run)), ExplicitlyGrouped: false),
        new(SwapOuterAxes, Method(typeof(SwapOuterAxesKernel), nameof(SwapOuterAxesKernel.Run)), ExplicitlyGrouped: false),
        new(Route, Method(typeof(RouteKernel), nameof(RouteKernel.Run)), ExplicitlyGrouped: false),
        new(SwiGlu, Method(typeof(SwiGluKernel), nameof(SwiGluKernel.Run)), ExplicitlyGrouped: false),
        new(ScatterAddSlots, Method(typeof(ScatterAddSlotsKernel), nameof(ScatterAddSlotsKernel.Run)), ExplicitlyGrouped: false),
        new(SlotCounts, Method(typeof(SlotGroupsKernel), nameof(SlotGroupsKernel.Count)), ExplicitlyGrouped: false),
        new(SlotOffsets, Method(typeof(SlotGroupsKernel), nameof(SlotGroupsKernel.Offsets)), ExplicitlyGrouped: false),
        new(SlotScatter, Method(typeof(SlotGroupsKernel), nameof(SlotGroupsKernel.Scatter)), ExplicitlyGrouped: false),
    ];

    /// <summary>The decoder struct of <paramref name="type"/>'s weight product kernel (its one generic argument).</summary>
    private static Type DecoderOf(GgmlType type) => GpuWeightKernels.For(type).Method.GetGenericArguments()[0];

    private static MethodInfo Method(Type kernel, string name, params Type[] typeArguments)
    {
        var method = kernel.GetMethod(name, BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{kernel.Name}.{name} is not a public static kernel");
        return typeArguments.Length == 0 ? method : method.MakeGenericMethod(typeArguments);
    }
}
