using System.Runtime.CompilerServices;
using DeepSeekV4.Engine.Tensors;
using DeepSeekV4.Engine.Tensors.Kernels;

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
    private readonly int _batchRows;
    private readonly float[] _gathered;
    private readonly float[] _gateUp; // gate outputs, then up outputs (second half)
    private readonly float[] _down;
    private readonly Unit[] _units;
    private readonly MatrixProducts.ProductPart[] _parts;

    private readonly bool _floatProducts;
    private readonly bool _round;

    /// <param name="rounding">
    /// Null or Fast's: integer products. Else every product in float32, and with <see cref="ForwardRounding.RoundsActivations"/>
    /// the experts' inputs (gate/up and down, shared and routed) rounded to FP8 per 128; the router takes its input unrounded.
    /// </param>
    public MixtureOfExperts(DeepSeekV4Config config, int tokens, ForwardRounding? rounding = null)
    {
        _config = config;
        _floatProducts = rounding?.FloatProducts == true;
        _round = rounding?.RoundsActivations == true;
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
        // One batch holds every routed row of a decoded token plus its shared-expert row, so a token's experts run together.
        _batchRows = tokens + k;
        _gathered = new float[_batchRows * d];
        _gateUp = new float[2 * _batchRows * f];
        _down = new float[_batchRows * d];
        _units = new Unit[e + 1];
        _parts = new MatrixProducts.ProductPart[2 * (e + 1)];
    }

    /// <summary>One expert of a batch: its weights, its rows of the batch, and where they start.</summary>
    private struct Unit
    {
        public TensorView Gate, Up, Down;
        public float Clamp;
        public int Expert; // −1: the shared expert, whose rows are all the tokens
        public int Rows, FirstRow, HiddenOffset;
    }

    /// <summary>output[t] = MoE(x[t]) for <paramref name="tokens"/> rows of x ([tokens × D]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(MoeWeights w, ReadOnlySpan<float> x, ReadOnlySpan<int> tokenIds, int tokens, Span<float> output)
    {
        if (tokens > _capacity) throw new ArgumentOutOfRangeException(nameof(tokens), tokens, $"at most {_capacity} tokens per batch");
        int e = _config.ExpertCount, k = _config.ExpertUsedCount, d = _config.HiddenSize;
        MatrixProducts.MatMul(w.Router, x[..(tokens * d)], tokens, _router, _floatProducts);
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
        // Experts run in batches (as many as fit the buffers; every expert of a decoded token): each batch's gate and up
        // products in one call, its down products in another. Outputs are added in expert order, then the shared expert.
        int units = 0, rows = 0;
        for (int expert = 0; expert <= e; expert++)
        {
            bool shared = expert == e;
            if (shared && w.SharedGate is null) break;
            int n = shared ? tokens : _counts[expert];
            if (n == 0) continue;
            if (rows + n > _batchRows && units > 0)
            {
                RunBatch(x, tokens, units, output);
                units = rows = 0;
            }
            _units[units++] = shared
                ? new Unit { Gate = w.SharedGate!, Up = w.SharedUp!, Down = w.SharedDown!, Clamp = w.SharedClamp, Expert = -1, Rows = n, FirstRow = rows }
                : new Unit { Gate = w.Gate[expert], Up = w.Up[expert], Down = w.Down[expert], Clamp = w.ExpertClamp, Expert = expert, Rows = n, FirstRow = rows };
            rows += n;
        }
        if (units > 0) RunBatch(x, tokens, units, output);
    }

    // Per unit: h = silu(min(gate, c)) · clamp(up, ±c) · routing weight; result = down · h, added to the unit's tokens.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunBatch(ReadOnlySpan<float> x, int tokens, int units, Span<float> output)
    {
        int d = _config.HiddenSize, parts = 0, hidden = 0;
        int upStart = _gateUp.Length / 2;
        for (int u = 0; u < units; u++)
        {
            ref var unit = ref _units[u];
            var rows = _gathered.AsSpan(unit.FirstRow * d, unit.Rows * d);
            if (unit.Expert < 0) x[..(tokens * d)].CopyTo(rows);
            else
                for (int i = 0; i < unit.Rows; i++) x.Slice(_members[_offsets[unit.Expert] + i] * d, d).CopyTo(rows.Slice(i * d, d));
            unit.HiddenOffset = hidden;
            if (_round) ActivationRounding.RoundInPlace(rows, unit.Rows, d);
            _parts[parts++] = new(unit.Gate, unit.FirstRow * d, unit.Rows, hidden, _floatProducts);
            _parts[parts++] = new(unit.Up, unit.FirstRow * d, unit.Rows, upStart + hidden, _floatProducts);
            hidden += unit.Rows * (int)unit.Gate.RowCount;
        }
        MatrixProducts.MatMulMany(_parts.AsSpan(0, parts), _gathered, _gateUp);

        parts = 0;
        for (int u = 0; u < units; u++)
        {
            ref var unit = ref _units[u];
            int f = (int)unit.Gate.RowCount;
            var g = _gateUp.AsSpan(unit.HiddenOffset, unit.Rows * f);
            var up = _gateUp.AsSpan(upStart + unit.HiddenOffset, unit.Rows * f);
            if (unit.Clamp > 0)
            {
                Elementwise.Min(g, unit.Clamp, g);
                Elementwise.Clamp(up, -unit.Clamp, unit.Clamp, up);
            }
            for (int i = 0; i < g.Length; i++) g[i] = g[i] / (1f + MathF.Exp(-g[i])) * up[i];
            if (unit.Expert >= 0)
                for (int r = 0; r < unit.Rows; r++) Elementwise.Multiply(g.Slice(r * f, f), _memberWeights[_offsets[unit.Expert] + r], g.Slice(r * f, f));
            if (_round) ActivationRounding.RoundInPlace(g, unit.Rows, f);
            _parts[parts++] = new(unit.Down, unit.HiddenOffset, unit.Rows, unit.FirstRow * d, _floatProducts);
        }
        MatrixProducts.MatMulMany(_parts.AsSpan(0, parts), _gateUp, _down);

        for (int u = 0; u < units; u++)
        {
            ref var unit = ref _units[u];
            var down = _down.AsSpan(unit.FirstRow * d, unit.Rows * d);
            if (unit.Expert < 0)
            {
                Elementwise.Add(output[..(tokens * d)], down, output[..(tokens * d)]);
                continue;
            }
            for (int i = 0; i < unit.Rows; i++)
            {
                var dst = output.Slice(_members[_offsets[unit.Expert] + i] * d, d);
                Elementwise.Add(dst, down.Slice(i * d, d), dst);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
        if (_config.ExpertWeightsNorm) Elementwise.Divide(weights, sum, weights);
        Elementwise.Multiply(weights, _config.ExpertWeightsScale, weights);
    }

    private static bool Taken(ReadOnlySpan<int> chosen, int j) => chosen.Contains(j);

    /// <summary>sqrt(softplus(z)), softplus with PyTorch's threshold (z for z &gt; 20).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float SqrtSoftplus(float z) => MathF.Sqrt(z > 20f ? z : (float)Math.Log(1.0 + Math.Exp(z)));
}
