using DeepSeekV4.Engine.Models.DeepSeekV4;
using DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;

namespace DeepSeekV4.Training.Model;

/// <summary>
/// The engine's GGUF tensor plan of a model being trained (SyntheticModelSpec.FromConfig): one spec drives the parameter
/// list at initialisation, the names when a GGUF is read, and the layout when one is written.
/// </summary>
public static class ModelShape
{
    /// <summary>The MTP block's own hyper-connection head (reference §5.11), which the engine's plan leaves optional.</summary>
    public static IEnumerable<SyntheticTensor> MtpHeadMixer(DeepSeekV4Config c)
    {
        if (c.MtpLayerCount == 0) yield break;
        string p = $"blk.{c.LayerCount}.nextn.hc_head";
        long hc = c.HyperConnectionCount;
        yield return new SyntheticTensor(p + "_base.weight", SyntheticTensorRole.HyperConnectionBase, [hc], Engine.Tensors.GgmlType.F32, 0f, 0f);
        yield return new SyntheticTensor(p + "_fn.weight", SyntheticTensorRole.HyperConnectionFn, [hc * c.HiddenSize, hc], Engine.Tensors.GgmlType.F32, 0f, 0f);
        yield return new SyntheticTensor(p + "_scale.weight", SyntheticTensorRole.HyperConnectionScale, [1], Engine.Tensors.GgmlType.F32, 0f, 0f);
    }

    /// <summary>Every tensor of the model (the engine's plan plus the MTP head mixer) with the types of <paramref name="mix"/>.</summary>
    public static IReadOnlyList<SyntheticTensor> Tensors(DeepSeekV4Config c, SyntheticWeightMix mix)
    {
        var list = SyntheticTensorPlan.Build(SyntheticModelSpec.FromConfig(c, "plan"), mix).ToList();
        list.AddRange(MtpHeadMixer(c));
        return list;
    }

    /// <summary>A PyTorch-layout shape ([out, in]) from ggml dims (ne0 = in first).</summary>
    public static long[] TorchShape(long[] ggmlDims) => [.. ggmlDims.Reverse()];
}
