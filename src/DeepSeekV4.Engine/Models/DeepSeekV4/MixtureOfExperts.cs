using System.Numerics.Tensors;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>
/// The MoE feed-forward for a batch of tokens (reference §5.8): sqrt(softplus) router scores; hash routing (fixed
/// experts per token id) in the first layers, else top-k of score + bias (the bias only selects); the selected
/// scores normalized and scaled; clamped SwiGLU experts with the routing weight applied before the down projection;
/// plus the shared expert. Tokens are grouped by expert so each expert's weights are read once per batch.
/// </summary>
public sealed class MixtureOfExperts
{
    private readonly DeepSeekV4Config _config;
    private readonly int _capacity;
    private readonly float[] _router;
    private readonly float[] _scores;
    private readonly int[] _chosen;
    private readonly float[] _weights;
    private readonly int[] _counts;
    private readonly int[] _offsets;
    private readonly int[] _members;
    private readonly float[] _memberWeights;
    private readonly float[] _gathered;
    private readonly float[] _gate;
    private readonly float[] _up;
    private readonly float[] _down;

    public MixtureOfExperts(DeepSeekV4Config config, int tokens)
    {
        _config = config;
        _capacity = tokens;
        int e = config.ExpertCount, k = config.ExpertUsedCount, d = config.HiddenSize;
        int f = config.ExpertFeedForwardLength * Math.Max(1, config.SharedExpertCount);
        _router = new float[tokens * e];
        _scores = new float[e];
        _chosen = new int[tokens * k];
        _weights = new float[tokens * k];
        _counts = new int[e];
        _offsets = new int[e + 1];
        _members = new int[tokens * k];
        _memberWeights = new float[tokens * k];
        _gathered = new float[tokens * d];
        _gate = new float[tokens * f];
        _up = new float[tokens * f];
        _down = new float[tokens * d];
    }

    /// <summary>output[t] = MoE(x[t]) for <paramref name="tokens"/> rows of x ([tokens × D]).</summary>
    public void Forward(MoeWeights w, ReadOnlySpan<float> x, ReadOnlySpan<int> tokenIds, int tokens, Span<float> output)
    {
        if (tokens > _capacity) throw new ArgumentOutOfRangeException(nameof(tokens), tokens, $"at most {_capacity} tokens per batch");
        int e = _config.ExpertCount, k = _config.ExpertUsedCount, d = _config.HiddenSize;
        MatrixProducts.MatMul(w.Router, x[..(tokens * d)], tokens, _router);
        for (int t = 0; t < tokens; t++) Route(w, _router.AsSpan(t * e, e), tokenIds[t], _chosen.AsSpan(t * k, k), _weights.AsSpan(t * k, k));

        Array.Clear(_counts);
        for (int i = 0; i < tokens * k; i++) _counts[_chosen[i]]++;
        _offsets[0] = 0;
        for (int j = 0; j < e; j++) _offsets[j + 1] = _offsets[j] + _counts[j];
        Array.Clear(_counts);
        for (int i = 0; i < tokens * k; i++)
        {
            int expert = _chosen[i];
            int slot = _offsets[expert] + _counts[expert]++;
            _members[slot] = i / k;
            _memberWeights[slot] = _weights[i];
        }

        output[..(tokens * d)].Clear();
        for (int expert = 0; expert < e; expert++)
        {
            int n = _counts[expert];
            if (n == 0) continue;
            int first = _offsets[expert];
            for (int i = 0; i < n; i++) x.Slice(_members[first + i] * d, d).CopyTo(_gathered.AsSpan(i * d, d));
            Expert(w.Gate[expert], w.Up[expert], w.Down[expert], w.ExpertClamp, _gathered, n, _memberWeights.AsSpan(first, n));
            for (int i = 0; i < n; i++)
            {
                var dst = output.Slice(_members[first + i] * d, d);
                TensorPrimitives.Add(dst, _down.AsSpan(i * d, d), dst);
            }
        }
        if (w.SharedGate is not null)
        {
            x[..(tokens * d)].CopyTo(_gathered);
            Expert(w.SharedGate, w.SharedUp!, w.SharedDown!, w.SharedClamp, _gathered, tokens, default);
            TensorPrimitives.Add(output[..(tokens * d)], _down.AsSpan(0, tokens * d), output[..(tokens * d)]);
        }
    }

    private void Route(MoeWeights w, ReadOnlySpan<float> logits, int tokenId, Span<int> chosen, Span<float> weights)
    {
        int e = logits.Length, k = chosen.Length;
        var scores = _scores.AsSpan(0, e);
        for (int j = 0; j < e; j++) scores[j] = SqrtSoftplus(logits[j]);
        if (w.TokenExperts is { } table)
        {
            table.AsSpan(tokenId * k, k).CopyTo(chosen);
        }
        else
        {
            var bias = w.Bias!;
            for (int s = 0; s < k; s++)
            {
                int best = -1;
                float bestValue = float.NegativeInfinity;
                for (int j = 0; j < e; j++)
                {
                    float v = scores[j] + bias[j];
                    if ((best < 0 || v > bestValue) && !Taken(chosen[..s], j))
                    {
                        best = j;
                        bestValue = v;
                    }
                }
                chosen[s] = best;
            }
        }
        float sum = 0;
        for (int s = 0; s < k; s++)
        {
            weights[s] = scores[chosen[s]];
            sum += weights[s];
        }
        if (_config.ExpertWeightsNorm) TensorPrimitives.Divide(weights, sum, weights);
        TensorPrimitives.Multiply(weights, _config.ExpertWeightsScale, weights);
    }

    private static bool Taken(ReadOnlySpan<int> chosen, int j) => chosen.Contains(j);

    // h = silu(min(gate, c)) · clamp(up, ±c) · weight; result = down · h into _down.
    private void Expert(TensorView gate, TensorView up, TensorView down, float clamp, ReadOnlySpan<float> x, int n, ReadOnlySpan<float> rowWeights)
    {
        int d = _config.HiddenSize, f = (int)gate.RowCount;
        var g = _gate.AsSpan(0, n * f);
        var u = _up.AsSpan(0, n * f);
        MatrixProducts.MatMul(gate, x[..(n * d)], n, g);
        MatrixProducts.MatMul(up, x[..(n * d)], n, u);
        if (clamp > 0)
        {
            TensorPrimitives.Min(g, clamp, g);
            TensorPrimitives.Clamp(u, -clamp, clamp, u);
        }
        for (int i = 0; i < g.Length; i++) g[i] = g[i] / (1f + MathF.Exp(-g[i])) * u[i];
        if (!rowWeights.IsEmpty)
            for (int r = 0; r < n; r++) TensorPrimitives.Multiply(g.Slice(r * f, f), rowWeights[r], g.Slice(r * f, f));
        MatrixProducts.MatMul(down, g, n, _down.AsSpan(0, n * d));
    }

    /// <summary>sqrt(softplus(z)), softplus with PyTorch's threshold (z for z &gt; 20).</summary>
    public static float SqrtSoftplus(float z) => MathF.Sqrt(z > 20f ? z : (float)Math.Log(1.0 + Math.Exp(z)));
}
