using DeepSeekV4.Engine.Compute;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;
using DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu.Backend;

/// <summary>
/// Float numerics on the device against the CPU backend's Float (the same float products, no QAT roundings on either):
/// every row within 1e-3 and the same argmax, while the CPU's Reference (QAT roundings on) is far from both, so a device
/// that kept rounding the KV rows or the indexer would fail.
/// </summary>
[Collection(GpuTinyModelCollection.Name)]
[Trait("Category", "GpuSimulator")]
public sealed class GpuFloatNumericsTests(GpuTinyModelFixture gpu)
{
    [Fact]
    public void FloatOnTheDeviceMatchesFloatOnTheCpuAndNotReference()
    {
        var c = TinyReference.Case("len7");
        using var onDevice = DeepSeekV4Model.Load(TinyReference.F16Path, new DeepSeekV4ModelOptions { Device = gpu.Model.Options.Device, Numerics = DeepSeekV4Numerics.Float });
        using var cpuFloat = DeepSeekV4Model.Load(TinyReference.F16Path, new DeepSeekV4ModelOptions { Device = ComputeDevice.Cpu, Numerics = DeepSeekV4Numerics.Float });
        using var cpuReference = DeepSeekV4Model.Load(TinyReference.F16Path, new DeepSeekV4ModelOptions { Device = ComputeDevice.Cpu, Numerics = DeepSeekV4Numerics.Reference });
        var a = GpuCacheFormatTests.Run(onDevice, c, KvCacheFormat.F32);
        var b = GpuCacheFormatTests.Run(cpuFloat, c, KvCacheFormat.F32);
        var r = GpuCacheFormatTests.Run(cpuReference, c, KvCacheFormat.F32);
        int v = TinyReference.Vocab;
        float farthest = 0;
        for (int row = 0; row < b.Length / v; row++)
        {
            float deviation = TinyReference.RowDeviation(a.AsSpan(row * v, v), b.AsSpan(row * v, v));
            Assert.True(deviation <= 1e-3f, $"row {row} deviates by {deviation}");
            Assert.Equal(TinyReference.ArgMax(b.AsSpan(row * v, v)), TinyReference.ArgMax(a.AsSpan(row * v, v)));
            farthest = MathF.Max(farthest, TinyReference.RowDeviation(a.AsSpan(row * v, v), r.AsSpan(row * v, v)));
        }
        Assert.True(farthest >= 0.02f, $"Float on the device is within {farthest} of Reference: the QAT roundings were not left out");
    }
}
