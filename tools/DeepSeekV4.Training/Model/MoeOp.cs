using DeepSeekV4.Engine.Models.DeepSeekV4;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepSeekV4.Training.Model;

/// <summary>
/// The MoE feed-forward over a sequence (reference §5.8): sqrt(softplus) router scores; hash routing by token id where
/// the layer has ffn_gate_tid2eid, else the top-k of score + exp_probs_b (the bias selects only; ties to the lower
/// expert); the selected scores normalised and scaled; clamped SwiGLU experts, the routing weight applied before the
/// down projection; plus the shared expert. Each expert runs on the tokens routed to it.
/// </summary>
public static class MoeOp
{
    /// <returns>The output [T, D] and, for a learned-routing layer, the tokens each expert took [E].</returns>
    public static (Tensor Output, Tensor? Load) Forward(Tensor x, Tensor ids, ParameterStore p, int layer, DeepSeekV4Config c)
    {
        string pre = $"blk.{layer}.";
        int experts = c.ExpertCount, k = c.ExpertUsedCount;
        float clamp = c.SwigluClampExperts.Count == 0 ? 0 : c.SwigluClampExperts[Math.Min(layer, c.SwigluClampExperts.Count - 1)];
        float sharedClamp = c.SwigluClampShared.Count == 0 ? clamp : c.SwigluClampShared[Math.Min(layer, c.SwigluClampShared.Count - 1)];
        var scores = nn.functional.softplus(x.matmul(p[pre + "ffn_gate_inp.weight"].t())).sqrt();   // [T, E]
        Tensor chosen;
        Tensor? load = null;
        string hash = pre + "ffn_gate_tid2eid.weight";
        if (p.Contains(hash)) chosen = p[hash].index_select(0, ids);
        else
        {
            using (no_grad())
            {
                var biased = scores.detach() + p[pre + "exp_probs_b.bias"].detach();
                chosen = biased.sort(-1, descending: true, stable: true).Indices.narrow(1, 0, k).contiguous();
                load = chosen.flatten().bincount(null, experts).to_type(ScalarType.Float32);
            }
        }
        var weights = scores.gather(1, chosen);
        if (c.ExpertWeightsNorm) weights = weights / weights.sum(-1, keepdim: true);
        weights = weights * c.ExpertWeightsScale;

        var output = zeros_like(x);
        var gate = p[pre + "ffn_gate_exps.weight"];
        var up = p[pre + "ffn_up_exps.weight"];
        var down = p[pre + "ffn_down_exps.weight"];
        for (int e = 0; e < experts; e++)
        {
            var hit = chosen.eq(e);
            var rows = hit.any(-1).nonzero().squeeze(-1);
            if (rows.numel() == 0) continue;
            var w = (weights * hit).sum(-1).index_select(0, rows).unsqueeze(-1);
            var h = SwiGlu(x.index_select(0, rows), gate[e], up[e], clamp) * w;
            output = output.index_add(0, rows, h.matmul(down[e].t()), 1);
        }
        var shared = SwiGlu(x, p[pre + "ffn_gate_shexp.weight"], p[pre + "ffn_up_shexp.weight"], sharedClamp).matmul(p[pre + "ffn_down_shexp.weight"].t());
        return (output + shared, load);
    }

    /// <summary>silu(min(x·Wg, c)) · clamp(x·Wu, ±c); no clamp when c is 0.</summary>
    private static Tensor SwiGlu(Tensor x, Tensor gate, Tensor up, float clamp)
    {
        var g = x.matmul(gate.t());
        var u = x.matmul(up.t());
        if (clamp > 0)
        {
            g = g.clamp_max(clamp);
            u = u.clamp(-clamp, clamp);
        }
        return nn.functional.silu(g) * u;
    }
}
