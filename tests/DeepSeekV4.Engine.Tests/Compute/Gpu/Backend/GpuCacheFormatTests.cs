using DeepSeekV4.Engine.Compute;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;
using DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu.Backend;

/// <summary>
/// Every KV-cache format on the device against the CPU backend in the same format, both with Reference numerics (float
/// products and the same FP8 roundings, so the two differ only in the order of float additions): a prefill and teacher-forced
/// decode steps, every row within 1e-3 and the same argmax. A format whose device encoding or decoding were wrong would
/// move rows by far more (the CPU's format comparison shows Q4_0 against Native at ~1e-1).
/// </summary>
[Collection(GpuTinyModelCollection.Name)]
[Trait("Category", "GpuSimulator")]
public sealed class GpuCacheFormatTests(GpuTinyModelFixture gpu)
{
    private static readonly Lazy<DeepSeekV4Model> CpuReference = new(() =>
        DeepSeekV4Model.Load(TinyReference.F16Path, new DeepSeekV4ModelOptions { Device = ComputeDevice.Cpu, Numerics = DeepSeekV4Numerics.Reference }));

    [Theory]
    [InlineData(KvCacheFormat.Native)]
    [InlineData(KvCacheFormat.F32)]
    [InlineData(KvCacheFormat.F16)]
    [InlineData(KvCacheFormat.BF16)]
    [InlineData(KvCacheFormat.Q8_0)]
    [InlineData(KvCacheFormat.Q4_0)]
    public void EveryFormatOnTheDeviceMatchesTheCpu(KvCacheFormat format)
    {
        var c = TinyReference.Case("len7");
        var onGpu = Run(gpu.Reference, c, format);
        var onCpu = Run(CpuReference.Value, c, format);
        int v = TinyReference.Vocab;
        for (int r = 0; r < onCpu.Length / v; r++)
        {
            var a = onGpu.AsSpan(r * v, v);
            var b = onCpu.AsSpan(r * v, v);
            float deviation = TinyReference.RowDeviation(a, b);
            Assert.True(deviation <= 1e-3f, $"{format}: row {r} deviates by {deviation}");
            Assert.Equal(TinyReference.ArgMax(b), TinyReference.ArgMax(a));
        }
    }

    // Every prompt row (one pass), then 2 teacher-forced steps.
    internal static float[] Run(DeepSeekV4Model model, TinyCase c, KvCacheFormat format)
    {
        int v = TinyReference.Vocab, n = c.Prompt.Length;
        using var sequence = model.CreateSequence(256, format);
        var logits = new float[(n + 2) * v];
        sequence.Forward(c.Prompt, logits.AsSpan(0, n * v), allLogits: true);
        for (int i = 0; i < 2; i++) sequence.Forward([c.Generated[i]], logits.AsSpan((n + i) * v, v));
        return logits;
    }
}
