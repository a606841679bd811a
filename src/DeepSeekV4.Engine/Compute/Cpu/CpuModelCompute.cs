using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Compute.Cpu;

/// <summary>The CPU backend: weights read in place from the file's mapping, the SIMD kernels over the worker threads.</summary>
internal sealed class CpuModelCompute(DeepSeekV4Model model) : IModelCompute
{
    public string Device => "cpu";

    public long DeviceWeightBytes => 0;

    public ISequenceCompute CreateSequence(int contextLength, KvCacheFormat format, int passTokens) =>
        new CpuSequenceCompute(model, new SequenceKvCache(model.KvGeometry, format, contextLength), passTokens);

    public void Dispose()
    {
    }
}
