using System.Reflection;
using DeepSeekV4.Engine.Compute.Gpu.Attention;
using DeepSeekV4.Engine.KvCache;
using ILGPU;
using ILGPU.Runtime;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// One cache row format on the device (a struct implementing <see cref="IKvRowFormat"/>) and the kernels generic over
/// it: encode, decode, the indexer's scores (key formats) and sink attention (K=V formats), each named after the format.
/// </summary>
public abstract class GpuKvRowFormat(string name)
{
    /// <summary>"native_kv", "native_indexer_key", "f32", "f16", "bf16", "q8_0", "q4_0".</summary>
    public string Name { get; } = name;

    public abstract Type FormatType { get; }

    private static readonly GpuKvRowFormat NativeKv = new GpuKvRowFormat<NativeKvRowFormat>("native_kv");
    private static readonly GpuKvRowFormat NativeIndexerKey = new GpuKvRowFormat<NativeIndexerKeyFormat>("native_indexer_key");
    private static readonly GpuKvRowFormat[] Ggml =
    [
        new GpuKvRowFormat<F32KvRowFormat>("f32"),
        new GpuKvRowFormat<F16KvRowFormat>("f16"),
        new GpuKvRowFormat<BF16KvRowFormat>("bf16"),
        new GpuKvRowFormat<Q8_0KvRowFormat>("q8_0"),
        new GpuKvRowFormat<Q4_0KvRowFormat>("q4_0"),
    ];

    /// <summary>Every distinct row format.</summary>
    public static IReadOnlyList<GpuKvRowFormat> All { get; } = [NativeKv, NativeIndexerKey, .. Ggml];

    /// <summary>The formats K=V rows can be stored in.</summary>
    public static IReadOnlyList<GpuKvRowFormat> KvFormats { get; } = [NativeKv, .. Ggml];

    /// <summary>The formats indexer keys can be stored in.</summary>
    public static IReadOnlyList<GpuKvRowFormat> IndexerKeyFormats { get; } = [NativeIndexerKey, .. Ggml];

    /// <summary>The device format of the K=V rows of a cache in <paramref name="format"/>.</summary>
    public static GpuKvRowFormat ForKv(KvCacheFormat format) => format == KvCacheFormat.Native ? NativeKv : GgmlOf(format);

    /// <summary>The device format of the indexer keys of a cache in <paramref name="format"/>.</summary>
    public static GpuKvRowFormat ForIndexerKey(KvCacheFormat format) => format == KvCacheFormat.Native ? NativeIndexerKey : GgmlOf(format);

    private static GpuKvRowFormat GgmlOf(KvCacheFormat format) => format switch
    {
        KvCacheFormat.F32 => Ggml[0],
        KvCacheFormat.F16 => Ggml[1],
        KvCacheFormat.BF16 => Ggml[2],
        KvCacheFormat.Q8_0 => Ggml[3],
        KvCacheFormat.Q4_0 => Ggml[4],
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not a KV cache format"),
    };

    public string EncodeName => "kv_encode_" + Name;
    public string DecodeName => "kv_decode_" + Name;
    public string IndexerScoresName => "indexer_scores_" + Name;
    public string AttentionName => "sink_attention_" + Name;

    /// <summary>Encoding units of a row (one thread each).</summary>
    public abstract int UnitsOf(KvRowShape shape);

    /// <summary>The entry method of <paramref name="kernel"/>'s generic Run closed over this format.</summary>
    public MethodInfo Method(Type kernel) => kernel.GetMethod("Run")!.MakeGenericMethod(FormatType);

    internal abstract Action<Index2D, ArrayView<float>, ArrayView<byte>, KvRowShape, int, int> LoadEncode(Accelerator accelerator);

    internal abstract Action<Index2D, ArrayView<byte>, ArrayView<float>, KvRowShape, int, int> LoadDecode(Accelerator accelerator);

    internal abstract Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<byte>, ArrayView<int>, ArrayView<float>, IndexerShape> LoadIndexerScores(Accelerator accelerator);

    internal abstract Action<KernelConfig, ArrayView<float>, ArrayView<byte>, ArrayView<byte>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, SinkAttentionShape>
        LoadAttention(Accelerator accelerator);

    public override string ToString() => Name;
}

/// <summary>The kernels of row format <typeparamref name="TFormat"/>.</summary>
public sealed class GpuKvRowFormat<TFormat>(string name) : GpuKvRowFormat(name) where TFormat : struct, IKvRowFormat
{
    public override Type FormatType => typeof(TFormat);

    public override int UnitsOf(KvRowShape shape) => default(TFormat).Units(shape);

    internal override Action<Index2D, ArrayView<float>, ArrayView<byte>, KvRowShape, int, int> LoadEncode(Accelerator accelerator) =>
        accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<float>, ArrayView<byte>, KvRowShape, int, int>(KvRowEncodeKernel.Run<TFormat>);

    internal override Action<Index2D, ArrayView<byte>, ArrayView<float>, KvRowShape, int, int> LoadDecode(Accelerator accelerator) =>
        accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<byte>, ArrayView<float>, KvRowShape, int, int>(KvRowDecodeKernel.Run<TFormat>);

    internal override Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<byte>, ArrayView<int>, ArrayView<float>, IndexerShape> LoadIndexerScores(Accelerator accelerator) =>
        accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<byte>, ArrayView<int>, ArrayView<float>, IndexerShape>(IndexerScoreKernel.Run<TFormat>);

    internal override Action<KernelConfig, ArrayView<float>, ArrayView<byte>, ArrayView<byte>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, SinkAttentionShape>
        LoadAttention(Accelerator accelerator) =>
        accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<byte>, ArrayView<byte>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, SinkAttentionShape>(
            SinkAttentionKernel.Run<TFormat>);
}
