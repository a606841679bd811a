using System.Numerics.Tensors;

namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>
/// Multi-head attention of one query token over a candidate set given in blocks (window rows, then compressed
/// entries), with one softmax over all candidates plus a per-head sink logit in the denominator only (reference §5.5).
/// Keys are the values (K = V). Uses a running maximum so the candidate set need not be held at once.
/// </summary>
public sealed class SinkAttention
{
    private readonly int _heads;
    private readonly int _dim;
    private readonly float _scale;
    private readonly float[] _max;
    private readonly float[] _sum;
    private readonly float[] _acc;
    private float[] _scores;

    public SinkAttention(int heads, int dim, int blockRows)
    {
        _heads = heads;
        _dim = dim;
        _scale = (float)Math.Pow(dim, -0.5);
        _max = new float[heads];
        _sum = new float[heads];
        _acc = new float[heads * dim];
        _scores = new float[blockRows];
    }

    public void Begin()
    {
        Array.Fill(_max, float.NegativeInfinity);
        Array.Clear(_sum);
        Array.Clear(_acc);
    }

    /// <summary>Adds <paramref name="rows"/> candidates (row-major [rows × dim]) for the queries q ([heads × dim]).</summary>
    public void Add(ReadOnlySpan<float> q, ReadOnlySpan<float> keys, int rows)
    {
        if (rows == 0) return;
        if (_scores.Length < rows) _scores = new float[rows];
        var scores = _scores.AsSpan(0, rows);
        for (int h = 0; h < _heads; h++)
        {
            var qh = q.Slice(h * _dim, _dim);
            for (int u = 0; u < rows; u++) scores[u] = TensorPrimitives.Dot(qh, keys.Slice(u * _dim, _dim)) * _scale;
            float blockMax = TensorPrimitives.Max(scores);
            var acc = _acc.AsSpan(h * _dim, _dim);
            if (blockMax > _max[h])
            {
                if (_sum[h] != 0)
                {
                    float rescale = MathF.Exp(_max[h] - blockMax);
                    _sum[h] *= rescale;
                    TensorPrimitives.Multiply(acc, rescale, acc);
                }
                _max[h] = blockMax;
            }
            TensorPrimitives.Subtract(scores, _max[h], scores);
            TensorPrimitives.Exp(scores, scores);
            _sum[h] += TensorPrimitives.Sum(scores);
            for (int u = 0; u < rows; u++) TensorPrimitives.MultiplyAdd(keys.Slice(u * _dim, _dim), scores[u], acc, acc);
        }
    }

    /// <summary>o_h = Σ e^(s−μ)·k / (e^(sink_h−μ) + Σ e^(s−μ)) into <paramref name="output"/> ([heads × dim]).</summary>
    public void Finish(ReadOnlySpan<float> sinks, Span<float> output)
    {
        for (int h = 0; h < _heads; h++)
        {
            float mu = MathF.Max(_max[h], sinks[h]);
            float keep = float.IsNegativeInfinity(_max[h]) ? 0f : MathF.Exp(_max[h] - mu);
            float denominator = _sum[h] * keep + MathF.Exp(sinks[h] - mu);
            TensorPrimitives.Multiply(_acc.AsSpan(h * _dim, _dim), keep / denominator, output.Slice(h * _dim, _dim));
        }
    }
}
