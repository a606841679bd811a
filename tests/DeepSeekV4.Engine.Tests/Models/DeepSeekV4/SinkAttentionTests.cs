using DeepSeekV4.Engine.Compute;
using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

/// <summary>
/// Sink attention against its definition computed directly in double precision: o_h = Σ_u e^(s_u)·k_u / (e^(sink_h) +
/// Σ_u e^(s_u)), s_u = q_h·k_u / √dim — over candidates given in several blocks, with blocks large enough to be split
/// over the worker pool and small ones that run on the caller, and the same bits for 1 and 2 threads.
/// </summary>
public class SinkAttentionTests
{
    [Theory]
    [InlineData(64, 64, 128, 3)]  // 64·128·64 multiply-adds per block: split by heads over the pool
    [InlineData(4, 16, 5, 2)]     // tiny blocks: on the calling thread
    public void BlockwiseAttentionEqualsTheDefinition(int heads, int dim, int rows, int blocks)
    {
        var random = new Random(heads + rows);
        float Next() => (float)(random.NextDouble() * 2 - 1);
        var q = Enumerable.Range(0, heads * dim).Select(_ => Next() * 3).ToArray();
        var keys = Enumerable.Range(0, blocks).Select(_ => Enumerable.Range(0, rows * dim).Select(_ => Next()).ToArray()).ToArray();
        var sinks = Enumerable.Range(0, heads).Select(_ => Next()).ToArray();

        var output = Run(heads, dim, rows, q, keys, sinks);
        for (int h = 0; h < heads; h++)
        {
            var expected = Definition(q.AsSpan(h * dim, dim), keys, rows, dim, sinks[h]);
            for (int i = 0; i < dim; i++)
                Assert.True(Math.Abs(output[h * dim + i] - expected[i]) <= 1e-5 * (1 + Math.Abs(expected[i])), $"head {h} dim {i}: {output[h * dim + i]} vs {expected[i]}");
        }

        var previous = WorkerPool.Default.ThreadCount;
        try
        {
            WorkerPool.SetDefaultThreadCount(1);
            Assert.Equal(output, Run(heads, dim, rows, q, keys, sinks));
        }
        finally
        {
            WorkerPool.SetDefaultThreadCount(previous);
        }
    }

    private static float[] Run(int heads, int dim, int rows, float[] q, float[][] keys, float[] sinks)
    {
        var attention = new SinkAttention(heads, dim, rows);
        attention.Begin();
        foreach (var block in keys) attention.Add(q, block, rows);
        var output = new float[heads * dim];
        attention.Finish(sinks, output);
        return output;
    }

    private static double[] Definition(ReadOnlySpan<float> q, float[][] keys, int rows, int dim, float sink)
    {
        var weights = new List<(double Weight, float[] Block, int Row)>();
        foreach (var block in keys)
            for (int u = 0; u < rows; u++)
            {
                double s = 0;
                for (int i = 0; i < dim; i++) s += (double)q[i] * block[u * dim + i];
                weights.Add((Math.Exp(s / Math.Sqrt(dim)), block, u));
            }
        double denominator = Math.Exp(sink) + weights.Sum(w => w.Weight);
        var o = new double[dim];
        foreach (var (weight, block, row) in weights)
            for (int i = 0; i < dim; i++) o[i] += weight * block[row * dim + i] / denominator;
        return o;
    }
}
