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

        // The definition in double precision; a float evaluation is within (dim + heads)·2⁻²⁴ of the magnitudes summed.
        var scores = indexer.Scores.ToArray();
        for (int j = 0; j < count; j++)
        {
            double score = 0, magnitude = 0;
            for (int h = 0; h < heads; h++)
            {
                double dot = 0, dotMagnitude = 0;
                for (int i = 0; i < dim; i++)
                {
                    dot += (double)q[h * dim + i] * plain[j][i];
                    dotMagnitude += Math.Abs((double)q[h * dim + i] * plain[j][i]);
                }
                magnitude += dotMagnitude * Math.Abs(w[h]);
                if (dot > 0) score += dot * w[h];
            }
            double bound = (dim + heads) * Math.Pow(2, -24) * magnitude;
            Assert.True(Math.Abs(scores[j] - score) <= bound, $"entry {j}: {scores[j]} vs {score} (bound {bound})");
        }
        // The selection is exactly the top-k of the scores the indexer computed (ties: lower index).
        var best = Enumerable.Range(0, count).OrderByDescending(j => scores[j]).ThenBy(j => j).Take(Math.Min(topK, count)).Order().ToArray();
        Assert.Equal(best, selected.Order().ToArray());
    }
}
