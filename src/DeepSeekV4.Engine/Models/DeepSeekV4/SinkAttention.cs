using System.Runtime.CompilerServices;
using DeepSeekV4.Engine.Compute;
using DeepSeekV4.Engine.Tensors.Kernels;

namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>
/// Multi-head attention of one query token over a candidate set given in blocks (window rows, then compressed
/// entries), with one softmax over all candidates plus a per-head sink logit in the denominator only (reference §5.5).
/// Keys are the values (K = V). Uses a running maximum so the candidate set need not be held at once. Heads are
/// independent: a large block is split by heads over the worker pool (each head's arithmetic is the same either way).
/// </summary>
public sealed class SinkAttention : IChunkedWork
{
    /// <summary>Blocks with fewer multiply-adds than this run on the calling thread.</summary>
    private const int ParallelThreshold = 1 << 18;
    private const int HeadsPerChunk = 4;

    private readonly int _heads;
    private readonly int _dim;
    private readonly float _scale;
    private readonly float[] _max;
    private readonly float[] _sum;
    private readonly float[] _acc;
    private readonly float[][] _scores;
    private ReadOnlyMemory<float> _q;
    private ReadOnlyMemory<float> _keys;
    private int _rows;

    public SinkAttention(int heads, int dim, int blockRows)
    {
        _heads = heads;
        _dim = dim;
        _scale = (float)Math.Pow(dim, -0.5);
        _max = new float[heads];
        _sum = new float[heads];
        _acc = new float[heads * dim];
        _scores = new float[(heads + HeadsPerChunk - 1) / HeadsPerChunk][];
        for (int i = 0; i < _scores.Length; i++) _scores[i] = new float[blockRows];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Begin()
    {
        Array.Fill(_max, float.NegativeInfinity);
        Array.Clear(_sum);
        Array.Clear(_acc);
    }

    /// <summary>Adds <paramref name="rows"/> candidates (row-major [rows × dim]) for the queries q ([heads × dim]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ReadOnlyMemory<float> q, ReadOnlyMemory<float> keys, int rows)
    {
        if (rows == 0) return;
        _q = q;
        _keys = keys;
        _rows = rows;
        int chunks = _scores.Length;
        if ((long)_heads * rows * _dim < ParallelThreshold) for (int i = 0; i < chunks; i++) Execute(i);
        else WorkerPool.Default.Run(this, chunks);
        _q = default;
        _keys = default;
    }

    /// <summary>Heads [chunk · HeadsPerChunk, …) of the current block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int chunk)
    {
        int rows = _rows;
        var scoreBuffer = _scores[chunk];
        if (scoreBuffer.Length < rows) _scores[chunk] = scoreBuffer = new float[rows];
        var scores = scoreBuffer.AsSpan(0, rows);
        var q = _q.Span;
        var keys = _keys.Span;
        int end = Math.Min(_heads, (chunk + 1) * HeadsPerChunk);
        for (int h = chunk * HeadsPerChunk; h < end; h++)
        {
            var qh = q.Slice(h * _dim, _dim);
            for (int u = 0; u < rows; u++) scores[u] = Reductions.Dot(qh, keys.Slice(u * _dim, _dim)) * _scale;
            float blockMax = Elementwise.Max(scores);
            var acc = _acc.AsSpan(h * _dim, _dim);
            if (blockMax > _max[h])
            {
                if (_sum[h] != 0)
                {
                    float rescale = MathF.Exp(_max[h] - blockMax);
                    _sum[h] *= rescale;
                    Elementwise.Multiply(acc, rescale, acc);
                }
                _max[h] = blockMax;
            }
            Elementwise.Subtract(scores, _max[h], scores);
            Reductions.Exp(scores, scores);
            _sum[h] += Reductions.Sum(scores);
            for (int u = 0; u < rows; u++) Elementwise.MultiplyAdd(keys.Slice(u * _dim, _dim), scores[u], acc, acc);
        }
    }

    /// <summary>o_h = Σ e^(s−μ)·k / (e^(sink_h−μ) + Σ e^(s−μ)) into <paramref name="output"/> ([heads × dim]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Finish(ReadOnlySpan<float> sinks, Span<float> output)
    {
        for (int h = 0; h < _heads; h++)
        {
            float mu = MathF.Max(_max[h], sinks[h]);
            float keep = float.IsNegativeInfinity(_max[h]) ? 0f : MathF.Exp(_max[h] - mu);
            float denominator = _sum[h] * keep + MathF.Exp(sinks[h] - mu);
            Elementwise.Multiply(_acc.AsSpan(h * _dim, _dim), keep / denominator, output.Slice(h * _dim, _dim));
        }
    }
}
