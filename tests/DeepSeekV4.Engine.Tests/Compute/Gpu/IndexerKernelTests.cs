using DeepSeekV4.Engine.Compute.Gpu;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu;

/// <summary>
/// The lightning indexer's scoring and top-k kernels against LightningIndexer.Select on the CPU. Scores: every key
/// format, keys encoded by the CPU codec, tolerance 2·n·u·Σ_h |w_h|·Σ|q·k| (float sums in any order; a dot within its
/// error of 0 may fall either side of the ReLU, which costs no more). Top-k: the same set as the CPU's heap on scores
/// full of ties (and ±0), checked against the definition too — sort by score descending, then index ascending.
/// </summary>
[Trait("Category", "GpuSimulator")]
public sealed class IndexerKernelTests
{
    public static TheoryData<GpuDeviceKind, int, KvCacheFormat> Formats()
    {
        var data = new TheoryData<GpuDeviceKind, int, KvCacheFormat>();
        foreach (var device in GpuTestBuffers.Devices())
            foreach (var format in Enum.GetValues<KvCacheFormat>()) data.Add(device.Kind, device.Index, format);
        return data;
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void ScoresMatchTheCpuIndexer(GpuDeviceKind kind, int index, KvCacheFormat format)
    {
        var gpu = GpuDevices.Get(kind, index);
        var ops = new GpuAttentionOps(gpu);
        const int heads = 3, dim = 64, count = 37;
        var random = new Random(70 + (int)format);
        var key = GpuKvRow.ForIndexerKey(format, dim);
        var codec = KvRowCodec.ForIndexerKey(format, dim);
        var pages = new KvRowPages(codec.RowBytes, count, pageRows: 8);
        var keyRows = new float[count][];
        for (int j = 0; j < count; j++)
        {
            keyRows[j] = Enumerable.Range(0, dim).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            codec.Encode(keyRows[j], pages.Append());
        }
        var q = Enumerable.Range(0, heads * dim).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var w = new[] { 0.7f, -0.4f, 1.3f };
        var indexer = new LightningIndexer(heads, dim, count, 4);
        indexer.Select(q, w, pages, codec, count, 4);
        var expected = indexer.Scores.ToArray();

        var bytes = new byte[count * codec.RowBytes];
        for (int j = 0; j < count; j++) pages.Row(j).CopyTo(bytes.AsSpan(j * codec.RowBytes));
        using var keys = GpuTestBuffers.Upload(gpu, bytes);
        using var qs = GpuTestBuffers.Upload(gpu, q);
        using var ws = GpuTestBuffers.Upload(gpu, w);
        using var scores = GpuTestBuffers.Filled(gpu, count, float.NaN);
        ops.IndexerScores(key, qs.View, ws.View, heads, keys.View, count, scores.View);
        var actual = GpuTestBuffers.Download(gpu, scores);

        var decoded = new float[dim];
        for (int j = 0; j < count; j++)
        {
            codec.Decode(pages.Row(j), decoded);
            double magnitude = 0;
            for (int h = 0; h < heads; h++)
                for (int d = 0; d < dim; d++) magnitude += Math.Abs(w[h] * q[h * dim + d] * decoded[d]);
            double tolerance = 2.0 * dim * Math.ScaleB(1.0, -24) * magnitude + 1e-30;
            Assert.True(Math.Abs(actual[j] - expected[j]) <= tolerance, $"{key}: key {j}: {actual[j]:R} vs CPU {expected[j]:R} (> {tolerance:E2})");
        }
    }

    public static TheoryData<GpuDeviceKind, int, int> TopKs()
    {
        var data = new TheoryData<GpuDeviceKind, int, int>();
        foreach (var device in GpuTestBuffers.Devices())
            foreach (int k in new[] { 1, 5, 64, 299, 300, 500 }) data.Add(device.Kind, device.Index, k);
        return data;
    }

    /// <summary>
    /// 300 scores from {−1, −0, 0, 1, 2, 3} (and a few distinct values): the CPU's selection is read through
    /// LightningIndexer.Select over F32 keys whose first value is the score, one head of weight 1 and q = e₀ — so its
    /// scores are ReLU(score), and the device is given the same ReLU'd scores.
    /// </summary>
    [Theory]
    [MemberData(nameof(TopKs))]
    public void TopKSelectsTheCpuSetWithTies(GpuDeviceKind kind, int index, int k)
    {
        var gpu = GpuDevices.Get(kind, index);
        var ops = new GpuAttentionOps(gpu);
        const int count = 300, dim = 32;
        var random = new Random(k);
        float[] levels = [-1f, -0f, 0f, 1f, 2f, 3f];
        var raw = Enumerable.Range(0, count).Select(i => i % 37 == 5 ? 2.5f + i / 1000f : levels[random.Next(levels.Length)]).ToArray();
        var codec = KvRowCodec.ForIndexerKey(KvCacheFormat.F32, dim);
        var pages = new KvRowPages(codec.RowBytes, count);
        var row = new float[dim];
        foreach (float s in raw)
        {
            row[0] = s;
            codec.Encode(row, pages.Append());
        }
        var q = new float[dim];
        q[0] = 1f;
        var indexer = new LightningIndexer(1, dim, count, k);
        var cpu = indexer.Select(q, new[] { 1f }, pages, codec, count, k).ToArray();
        var scores = indexer.Scores.ToArray();
        // ±0 as the device sees them: the CPU's ReLU'd scores are +0, so give the device some −0 ties as well.
        for (int i = 0; i < count; i += 7) if (scores[i] == 0) scores[i] = -0f;

        var definition = Enumerable.Range(0, count).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(Math.Min(k, count)).Order().ToArray();
        Assert.Equal(definition, cpu.Order().ToArray());

        using var scoreBuffer = GpuTestBuffers.Upload(gpu, scores);
        using var selected = GpuTestBuffers.Filled(gpu, Math.Min(k, count), -1);
        ops.TopK(scoreBuffer.View, count, k, selected.View);
        var actual = GpuTestBuffers.Download(gpu, selected);
        Assert.Equal(definition, actual); // the device writes them in increasing index order
    }

    /// <summary>Three tokens in one launch, each with its own number of scores (300, 17 — fewer than k — and none), full of ties.</summary>
    [Fact]
    public void BatchedTopKSelectsPerTokenSets()
    {
        var gpu = GpuDevices.Get(GpuDeviceKind.Simulator);
        var ops = new GpuAttentionOps(gpu);
        const int stride = 300, k = 64;
        int[] counts = [300, 17, 0];
        var random = new Random(12);
        var scores = Enumerable.Range(0, 3 * stride).Select(_ => (float)random.Next(5)).ToArray();
        using var scoreBuffer = GpuTestBuffers.Upload(gpu, scores);
        using var countBuffer = GpuTestBuffers.Upload(gpu, counts);
        using var selected = GpuTestBuffers.Filled(gpu, 3L * k, -1);
        ops.TopK(scoreBuffer.View, stride, k, selected.View, tokens: 3, scoreStride: stride, selectedStride: k, counts: countBuffer.View);
        var actual = GpuTestBuffers.Download(gpu, selected);
        for (int t = 0; t < 3; t++)
        {
            int n = Math.Min(k, counts[t]);
            var expected = Enumerable.Range(0, counts[t]).OrderByDescending(i => scores[t * stride + i]).ThenBy(i => i).Take(n).Order().ToArray();
            Assert.Equal(expected, actual.AsSpan(t * k, n).ToArray());
            Assert.All(actual.AsSpan(t * k + n, k - n).ToArray(), v => Assert.Equal(-1, v));
        }
    }

    [Fact]
    public void ScoringChecksItsViews()
    {
        var gpu = GpuDevices.Get(GpuDeviceKind.Simulator);
        var ops = new GpuAttentionOps(gpu);
        var key = GpuKvRow.ForIndexerKey(KvCacheFormat.Native, 128);
        using var q = gpu.Allocate(2 * 128);
        using var scores = gpu.Allocate(10);
        using var keys = GpuTestBuffers.Filled(gpu, 10L * key.RowBytes - 1, (byte)0);
        var e = Assert.Throws<ArgumentException>(() => ops.IndexerScores(key, q.View, q.View, 2, keys.View, 10, scores.View));
        Assert.Contains($"10 keys of 68 bytes needs 680 elements, the view has 679", e.Message);
    }
}
