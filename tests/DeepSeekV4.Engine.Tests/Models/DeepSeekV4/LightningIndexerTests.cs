using System.Numerics.Tensors;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

/// <summary>
/// The indexer's scores are Σ_h w_h · ReLU(q_h · K_j) for every visible entry — whether scored on the caller (short
/// contexts) or in chunks over the pool (long ones) — and the selection is exactly the top-k of them (ties: lower index).
/// </summary>
public class LightningIndexerTests
{
    [Theory]
    [InlineData(8, 64, 40, 16)]     // 20K multiply-adds: on the calling thread
    [InlineData(16, 128, 3000, 512)] // 6M: in chunks over the pool
    public void ScoresAndSelectionFollowTheDefinition(int heads, int dim, int count, int topK)
    {
        var random = new Random(count);
        float Next() => (float)(random.NextDouble() * 2 - 1);
        var codec = KvRowCodec.ForIndexerKey(KvCacheFormat.F32, dim);
        var keys = new KvRowPages(codec.RowBytes, count);
        var plain = new float[count][];
        for (int j = 0; j < count; j++)
        {
            plain[j] = Enumerable.Range(0, dim).Select(_ => Next()).ToArray();
            codec.Encode(plain[j], keys.Append());
        }
        var q = Enumerable.Range(0, heads * dim).Select(_ => Next()).ToArray();
        var w = Enumerable.Range(0, heads).Select(_ => Next()).ToArray();

        var indexer = new LightningIndexer(heads, dim, count, topK);
        var selected = indexer.Select(q, w, keys, codec, count, topK).ToArray();

        var expected = new float[count];
        for (int j = 0; j < count; j++)
        {
            float score = 0;
            for (int h = 0; h < heads; h++)
            {
                float dot = TensorPrimitives.Dot(q.AsSpan(h * dim, dim), plain[j]);
                if (dot > 0) score += dot * w[h];
            }
            expected[j] = score;
        }
        Assert.Equal(expected, indexer.Scores.ToArray());
        var best = Enumerable.Range(0, count).OrderByDescending(j => expected[j]).ThenBy(j => j).Take(Math.Min(topK, count)).Order().ToArray();
        Assert.Equal(best, selected.Order().ToArray());
    }
}
