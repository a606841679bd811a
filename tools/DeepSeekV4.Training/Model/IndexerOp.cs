using DeepSeekV4.Engine.Models.DeepSeekV4;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepSeekV4.Training.Model;

/// <summary>
/// The lightning indexer over a whole sequence (reference §5.7): score(t, j) = Σ_h w_h(t) · ReLU(q_h(t) · K_j) over
/// the indexer-compressor keys, and per query the top-k visible entries (ties to the lower index, as the engine).
/// Its inputs are detached: the LM loss never trains it; <see cref="KlLoss"/> does.
/// </summary>
public static class IndexerOp
{
    /// <summary>Scores [T, Nc] for queries from x [T, D] and the query latent [T, q_lora].</summary>
    public static Tensor Scores(Tensor x, Tensor queryLatent, ParameterStore p, string layerPrefix, DeepSeekV4Config c, Rotary rope,
        Tensor hadamard, bool qat)
    {
        long t = x.shape[0];
        int heads = c.IndexerHeadCount, dim = c.IndexerHeadDim;
        x = x.detach();
        var q = queryLatent.detach().matmul(p[layerPrefix + "indexer.attn_q_b.weight"].t()).view(t, heads, dim);
        q = rope.Apply(q).matmul(hadamard);
        if (qat) q = QatSimulation.Fp4(q);
        var weights = x.matmul(p[layerPrefix + "indexer.proj.weight"].t()) * (Math.Pow(dim, -0.5) * Math.Pow(heads, -0.5));
        var keys = CompressorOp.Entries(x, p, layerPrefix + "indexer_compressor", 4, dim, rope, c.RmsNormEps, qat, EntryRounding.HadamardFp4, hadamard);
        if (keys.shape[0] == 0) return zeros([t, 0]);
        var dots = q.permute(1, 0, 2).matmul(keys.t()).relu();            // [H, T, Nc]
        return (dots * weights.t().unsqueeze(-1)).sum(0, keepdim: false);
    }

    /// <summary>The top-<paramref name="k"/> of each row among <paramref name="visible"/> entries, as a mask [T, Nc].</summary>
    public static Tensor Select(Tensor scores, Tensor visible, int k)
    {
        using var _ = no_grad();
        long count = scores.shape[1];
        if (count <= k) return visible;
        var order = scores.masked_fill(visible.logical_not(), float.NegativeInfinity).sort(-1, descending: true, stable: true).Indices.narrow(1, 0, k);
        var chosen = zeros(scores.shape).scatter(1, order, ones(order.shape)) > 0;
        return chosen.logical_and(visible);
    }

    /// <summary>
    /// KL(p ‖ q) per query, averaged over queries that have entries: p = the main attention's probabilities over the
    /// allowed compressed entries summed over heads (detached) and renormalised; q = softmax of the index scores
    /// over the same entries (DeepSeek V3.2's indexer training).
    /// </summary>
    public static Tensor KlLoss(Tensor scores, Tensor attentionToEntries, Tensor allowed)
    {
        var rows = allowed.any(-1);
        if (!rows.any().item<bool>()) return zeros(1).squeeze();
        var target = attentionToEntries.detach().sum(0, keepdim: false).masked_fill(allowed.logical_not(), 0);
        target = target / target.sum(-1, keepdim: true).clamp_min(1e-20);
        // A finite floor, not −inf: a row with no entry must not give NaN gradients.
        var logq = scores.masked_fill(allowed.logical_not(), -1e9).log_softmax(-1).masked_fill(allowed.logical_not(), 0);
        var kl = (target * (target.clamp_min(1e-20).log() - logq)).sum(-1);
        return kl.masked_select(rows).mean();
    }
}
