using System.Reflection;
using DeepSeekV4.Engine.Tensors;
using ILGPU;
using ILGPU.Runtime;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>How a weight product is launched, whatever the weight type: the kernel's parameters after the launch configuration.</summary>
public delegate void WeightProductLauncher(KernelConfig config, WeightTables tables, ArrayView<byte> weights, ArrayView<float> x, ArrayView<float> y, MatMulShape shape);

/// <summary>The weight product kernel of one ggml type: its entry method (for PTX), and loading it onto an accelerator.</summary>
public abstract class GpuWeightKernel(GgmlType type)
{
    public GgmlType Type { get; } = type;

    public GgmlTypeInfo Info => GgmlTypeInfo.Of(Type);

    /// <summary>A readable name for listings and file names, e.g. "weight_product_q4_k".</summary>
    public string Name => "weight_product_" + Info.Name.ToLowerInvariant();

    /// <summary>The kernel entry method, <see cref="WeightProductKernel.Run{TDecoder}"/> closed over the type's decoder.</summary>
    public abstract MethodInfo Method { get; }

    internal abstract WeightProductLauncher Load(Accelerator accelerator);
}

/// <summary>The weight product kernel over decoder <typeparamref name="TDecoder"/>.</summary>
public sealed class GpuWeightKernel<TDecoder>(GgmlType type) : GpuWeightKernel(type) where TDecoder : struct, IWeightDecoder
{
    public override MethodInfo Method => typeof(WeightProductKernel).GetMethod(nameof(WeightProductKernel.Run))!.MakeGenericMethod(typeof(TDecoder));

    internal override WeightProductLauncher Load(Accelerator accelerator)
    {
        var launch = accelerator.LoadStreamKernel<WeightTables, ArrayView<byte>, ArrayView<float>, ArrayView<float>, MatMulShape>(
            WeightProductKernel.Run<TDecoder>);
        return (config, tables, weights, x, y, shape) => launch(config, tables, weights, x, y, shape);
    }
}
