using DeepSeekV4.Engine.Models.DeepSeekV4;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepSeekV4.Training.Model;

/// <summary>
/// One layer's attention over a whole sequence, with inference's causality (reference §5.5–5.7): low-rank query with
/// per-head RMS and partial RoPE; one shared K=V head; every query attends, in one softmax with the head's sink, to
/// its window (the last W positions, itself included) and — on compressed layers — to the entries whose block has
/// completed by its position: all of them (HCA) or the lightning indexer's top-k (CSA); the output is rotated back
/// and projected through the grouped low-rank output.
/// </summary>
public static class AttentionOp
{
    public static Tensor Forward(Tensor x, ParameterStore p, int layer, int ratio, DeepSeekV4Config c, Rotary rope, Tensor windowMask,
        Tensor hadamard, ForwardSettings s, List<Tensor> indexerLosses)
    {
        string pre = $"blk.{layer}.";
        long t = x.shape[0];
        int heads = c.HeadCount, hd = c.HeadDim, nope = c.NopeDim, window = c.SlidingWindow, groups = c.OutputGroupCount;
        float eps = c.RmsNormEps;
        double tau = 1.0 / Math.Sqrt(hd);
        long blocks = t / window;
        if (blocks * window != t) throw new ArgumentException($"attention: {t} positions is not a multiple of the window {window}");

        var latent = Norms.Rms(x.matmul(p[pre + "attn_q_a.weight"].t()), p[pre + "attn_q_a_norm.weight"], eps);
        var q = Norms.Rms(latent.matmul(p[pre + "attn_q_b.weight"].t()).view(t, heads, hd), null, eps);
        q = rope.Apply(q).permute(1, 0, 2);                                              // [H, T, hd]
        var kv = rope.Apply(Norms.Rms(x.matmul(p[pre + "attn_kv.weight"].t()), p[pre + "attn_kv_a_norm.weight"], eps));
        if (s.Qat) kv = cat([QatSimulation.Fp8(kv.narrow(1, 0, nope)), kv.narrow(1, nope, hd - nope)], 1);

        var own = kv.view(blocks, window, hd);
        var keys = cat([cat([zeros(1, window, hd), own.narrow(0, 0, blocks - 1)], 0), own], 1);   // [nb, 2W, hd]
        var windowScores = (q.reshape(heads, blocks, window, hd).matmul(keys.transpose(1, 2).unsqueeze(0)) * tau)
            .masked_fill(windowMask.unsqueeze(0), float.NegativeInfinity).reshape(heads, t, 2 * window);

        Tensor? entries = null;
        Tensor? allowed = null;
        Tensor? indexScores = null;
        var parts = new List<Tensor> { windowScores };
        if (ratio > 0)
        {
            entries = CompressorOp.Entries(x, p, pre + "attn_compressor", ratio, hd, rope, eps, s.Qat, EntryRounding.Fp8NonRotary, null);
            long count = entries.shape[0];
            if (count > 0)
            {
                var visible = ((arange(count, dtype: ScalarType.Int64) + 1).unsqueeze(0) * ratio)
                    .le(arange(t, dtype: ScalarType.Int64).unsqueeze(1) + 1);                    // [T, Nc]
                allowed = visible;
                if (ratio == 4)
                {
                    indexScores = IndexerOp.Scores(x, latent, p, pre, c, rope, hadamard, s.Qat);
                    if (s.SparseIndexer) allowed = IndexerOp.Select(indexScores, visible, c.IndexerTopK);
                }
                parts.Add((q.matmul(entries.t()) * tau).masked_fill(allowed.logical_not().unsqueeze(0), float.NegativeInfinity));
            }
            else entries = null;
        }
        parts.Add(p[pre + "attn_sinks.weight"].view(heads, 1, 1).expand(heads, t, 1));
        var probs = cat(parts, -1).softmax(-1);

        var o = probs.narrow(-1, 0, 2 * window).reshape(heads, blocks, window, 2 * window).matmul(keys.unsqueeze(0)).reshape(heads, t, hd);
        if (entries is not null)
        {
            var toEntries = probs.narrow(-1, 2 * window, entries.shape[0]);
            o = o + toEntries.matmul(entries);
            if (indexScores is not null && s.IndexerLoss) indexerLosses.Add(IndexerOp.KlLoss(indexScores, toEntries, allowed!));
        }
        o = rope.Apply(o.permute(1, 0, 2), inverse: true);                                // [T, H, hd]

        long groupWidth = heads / groups * hd;
        var wa = p[pre + "attn_output_a.weight"];
        long rank = wa.shape[0] / groups;
        var z = o.reshape(t, groups, groupWidth).permute(1, 0, 2).matmul(wa.view(groups, rank, groupWidth).transpose(1, 2));  // [G, T, R]
        return z.permute(1, 0, 2).reshape(t, groups * rank).matmul(p[pre + "attn_output_b.weight"].t());
    }
}
