using DeepSeekV4.Engine.Compute.Gpu;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu;

/// <summary>
/// The compressor's store and pooling kernels against Compressor.Push on the CPU, for the overlapping ratio-4 compressor
/// and a plain one, fed in passes of several tokens (a pass stores its rows, then pools the blocks it completed) through
/// a ring that wraps: the state rings hold the same floats bit for bit; the entries agree within float rounding (the
/// two sides' e^x differ by ulps; an entry is a convex combination of values within ±2, so ulp-level weight errors move it
/// by ~1e-6, and 1e-5 is still far below what a wrong row or channel would cost).
/// </summary>
[Trait("Category", "GpuSimulator")]
public sealed class CompressorKernelTests
{
    public static TheoryData<GpuDeviceKind, int, int> Ratios()
    {
        var data = new TheoryData<GpuDeviceKind, int, int>();
        foreach (var device in GpuTestBuffers.Devices())
            foreach (int ratio in new[] { 4, 16 }) data.Add(device.Kind, device.Index, ratio);
        return data;
    }

    [Theory]
    [MemberData(nameof(Ratios))]
    public void StoreAndPoolMatchPush(GpuDeviceKind kind, int index, int ratio)
    {
        var gpu = GpuDevices.Get(kind, index);
        var ops = new GpuAttentionOps(gpu);
        const int dim = 8;
        var geometry = new KvCacheGeometry(1, dim, 0, dim, 4, [ratio], TruncationSlack: 3);
        int width = KvCacheGeometry.CompressorWidth(ratio, dim), ringRows = geometry.CompressorRingRows(ratio);
        var random = new Random(ratio);
        int tokens = 3 * ratio + 2;
        var values = Enumerable.Range(0, tokens * width).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        var logits = Enumerable.Range(0, tokens * width).Select(i => (float)(random.NextDouble() * 6 - 3) + (i % 11 == 0 ? 40f : 0f)).ToArray();
        var ape = Enumerable.Range(0, ratio * width).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var weights = new CompressorWeights { Ratio = ratio, Dim = dim, Values = null!, Gate = null!, Ape = ape, Norm = new float[dim] };

        var state = new CompressorStateRing(ringRows, width);
        var compressor = new Compressor(dim);
        var expected = new List<float[]>();
        var entry = new float[dim];
        for (int p = 0; p < tokens; p++)
            if (compressor.Push(state, weights, p, values.AsSpan(p * width, width), logits.AsSpan(p * width, width), entry)) expected.Add((float[])entry.Clone());

        using var stateValues = GpuTestBuffers.Filled(gpu, (long)ringRows * width, float.NaN);
        using var stateLogits = GpuTestBuffers.Filled(gpu, (long)ringRows * width, float.NaN);
        using var apeBuffer = GpuTestBuffers.Upload(gpu, ape);
        using var entries = GpuTestBuffers.Filled(gpu, (long)expected.Count * dim, float.NaN);
        using var valueBuffer = GpuTestBuffers.Upload(gpu, values);
        using var logitBuffer = GpuTestBuffers.Upload(gpu, logits);
        int[] passes = [1, 3, 4, 2];
        int position = 0, pooled = 0;
        for (int pass = 0; position < tokens; pass++)
        {
            int n = Math.Min(passes[pass % passes.Length], tokens - position);
            ops.CompressorStore(valueBuffer.View.SubView((long)position * width, (long)n * width), logitBuffer.View.SubView((long)position * width, (long)n * width), apeBuffer.View,
                ratio, dim, position, n, stateValues.View, stateLogits.View, ringRows);
            int last = position + n - 1, firstEnd = (position / ratio + 1) * ratio - 1;
            int blocks = last >= firstEnd ? (last - firstEnd) / ratio + 1 : 0;
            if (blocks > 0)
            {
                ops.CompressorPool(stateValues.View, stateLogits.View, ratio, dim, firstEnd, blocks, ringRows, last, entries.View.SubView((long)pooled * dim, (long)blocks * dim));
                pooled += blocks;
            }
            position += n;
        }
        Assert.Equal(expected.Count, pooled);

        var gpuValues = GpuTestBuffers.Download(gpu, stateValues);
        var gpuLogits = GpuTestBuffers.Download(gpu, stateLogits);
        for (int p = tokens - ringRows; p < tokens; p++)
        {
            int slot = p % ringRows;
            Assert.Equal(state.Values(p).ToArray(), gpuValues.AsSpan(slot * width, width).ToArray());
            Assert.Equal(state.Logits(p).ToArray(), gpuLogits.AsSpan(slot * width, width).ToArray());
        }
        var actual = GpuTestBuffers.Download(gpu, entries);
        for (int e = 0; e < expected.Count; e++)
            for (int c = 0; c < dim; c++)
            {
                float a = actual[e * dim + c], x = expected[e][c];
                Assert.True(float.IsFinite(a) && Math.Abs(a - x) <= 1e-5f, $"ratio {ratio} entry {e} channel {c}: {a:R} vs CPU {x:R}");
            }
    }

    [Fact]
    public void PoolingRowsTheRingNoLongerHoldsIsRefused()
    {
        var gpu = GpuDevices.Get(GpuDeviceKind.Simulator);
        var ops = new GpuAttentionOps(gpu);
        using var state = gpu.Allocate(11 * 16);
        using var entries = gpu.Allocate(16);
        var e = Assert.Throws<ArgumentException>(() => ops.CompressorPool(state.View, state.View, 4, 8, 7, 1, 11, 15, entries.View));
        Assert.Contains("need positions 0…7 in the ring, which holds 5…15 (11 rows)", e.Message);
        var notEnd = Assert.Throws<ArgumentException>(() => ops.CompressorPool(state.View, state.View, 4, 8, 6, 1, 11, 6, entries.View));
        Assert.Contains("position 6 does not end a block of 4", notEnd.Message);
        var tooMany = Assert.Throws<ArgumentException>(() => ops.CompressorStore(state.View, state.View, state.View, 4, 8, 0, 12, state.View, state.View, 11));
        Assert.Contains("12 tokens in one pass would overwrite each other in a ring of 11 rows", tooMany.Message);
    }
}
