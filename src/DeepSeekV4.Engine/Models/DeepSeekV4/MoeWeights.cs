using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>
/// One layer's mixture of experts (reference §5.8): the router, either hash routing (<see cref="TokenExperts"/>,
/// [vocab × k]) or learned top-k with a selection-only <see cref="Bias"/>, the stacked routed experts (one view per
/// expert, made once at load), and the shared expert. Clamps of 0 mean none.
/// </summary>
public sealed class MoeWeights
{
    public required TensorView Router { get; init; }
    public float[]? Bias { get; init; }
    public int[]? TokenExperts { get; init; }
    public required TensorView[] Gate { get; init; }
    public required TensorView[] Up { get; init; }
    public required TensorView[] Down { get; init; }
    public TensorView? SharedGate { get; init; }
    public TensorView? SharedUp { get; init; }
    public TensorView? SharedDown { get; init; }
    public required float ExpertClamp { get; init; }
    public required float SharedClamp { get; init; }

    internal static MoeWeights Bind(TensorBinder b, string blk, DeepSeekV4Config c, int layer)
    {
        int d = c.HiddenSize, f = c.ExpertFeedForwardLength, e = c.ExpertCount;
        var gate = b.Matrix(blk + "ffn_gate_exps.weight", d, f, e);
        var up = b.Matrix(blk + "ffn_up_exps.weight", d, f, e);
        var down = b.Matrix(blk + "ffn_down_exps.weight", f, d, e);
        long shared = (long)f * c.SharedExpertCount;
        bool hash = c.IsHashLayer(layer);
        return new MoeWeights
        {
            Router = b.Matrix(blk + "ffn_gate_inp.weight", d, e),
            Bias = hash ? null : b.Floats(blk + "exp_probs_b.bias", e),
            TokenExperts = hash ? b.Int32Table(blk + "ffn_gate_tid2eid.weight", e, c.ExpertUsedCount, c.VocabSize) : null,
            Gate = Slices(gate, e),
            Up = Slices(up, e),
            Down = Slices(down, e),
            SharedGate = c.SharedExpertCount > 0 ? b.Matrix(blk + "ffn_gate_shexp.weight", d, shared) : null,
            SharedUp = c.SharedExpertCount > 0 ? b.Matrix(blk + "ffn_up_shexp.weight", d, shared) : null,
            SharedDown = c.SharedExpertCount > 0 ? b.Matrix(blk + "ffn_down_shexp.weight", shared, d) : null,
            ExpertClamp = c.SwigluClampExperts[layer],
            SharedClamp = c.SwigluClampShared[layer],
        };
    }

    private static TensorView[] Slices(TensorView stacked, int count)
    {
        var result = new TensorView[count];
        for (int i = 0; i < count; i++) result[i] = stacked.Slice(i);
        return result;
    }
}
