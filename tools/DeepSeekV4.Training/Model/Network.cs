using DeepSeekV4.Engine.Models.DeepSeekV4;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepSeekV4.Training.Model;

/// <summary>What a forward pass gives.</summary>
public sealed record ForwardResult(Tensor Logits, Tensor? MtpLogits, Tensor? IndexerLoss, IReadOnlyDictionary<int, Tensor> Loads);

/// <summary>
/// DeepSeek V4 as the engine runs it, over whole sequences (reference §5): embedding into hc streams, the layers
/// (hyper-connected attention and MoE), the output head with its hc head, and the MTP block. Positions are padded
/// at the end to a multiple of the window (padding is causally invisible to the real positions) and cut off again.
/// </summary>
public sealed class Network
{
    private readonly Rotary _windowRope;
    private readonly Rotary _compressedRope;
    private readonly Tensor _hadamard;
    private readonly Dictionary<long, Tensor> _masks = [];

    public Network(DeepSeekV4Config config, ParameterStore parameters, int maxPositions)
    {
        Config = config;
        Parameters = parameters;
        int positions = (maxPositions + config.SlidingWindow) / config.SlidingWindow * config.SlidingWindow;
        _windowRope = new Rotary(new RotaryEmbedding(config.RopeDim, config.RopeFreqBase), positions);
        _compressedRope = new Rotary(new RotaryEmbedding(config.RopeDim, config.CompressRopeFreqBase, config.RopeOriginalContextLength,
            config.RopeScalingFactor, config.YarnBetaFast, config.YarnBetaSlow), positions);
        _hadamard = QatSimulation.Hadamard(config.IndexerHeadDim);
    }

    public DeepSeekV4Config Config { get; }
    public ParameterStore Parameters { get; }

    /// <summary>
    /// Logits for every position of <paramref name="ids"/> [T] (int64); with <see cref="ForwardSettings.Mtp"/> the
    /// MTP logits too: position t predicts token t+2 from the main state at t and token t+1, taken from
    /// <paramref name="next"/> [T] (the tokens 1..T) when given (all T positions), else from ids (positions 0..T−2);
    /// every <see cref="ForwardSettings.MtpStride"/>-th of those positions.
    /// </summary>
    public ForwardResult Forward(Tensor ids, ForwardSettings settings, Tensor? next = null)
    {
        var c = Config;
        var p = Parameters;
        long length = ids.shape[0];
        long padded = (length + c.SlidingWindow - 1) / c.SlidingWindow * c.SlidingWindow;
        var input = padded == length ? ids : cat([ids, zeros(padded - length, dtype: ScalarType.Int64)]);
        var mask = WindowMaskFor(padded);
        var indexerLosses = new List<Tensor>();
        var loads = new Dictionary<int, Tensor>();

        var embedded = p["token_embd.weight"].index_select(0, input);
        var x = embedded.unsqueeze(1).expand(padded, c.HyperConnectionCount, c.HiddenSize).contiguous();
        for (int layer = 0; layer < c.LayerCount; layer++)
            x = Block(x, input, layer, c.CompressRatios[layer], mask, settings, indexerLosses, loads);
        var logits = Head(x, "output_hc");

        Tensor? mtp = null;
        if (settings.Mtp && c.MtpLayerCount > 0)
        {
            int layer = c.LayerCount;
            string n = $"blk.{layer}.nextn.";
            long mtpRows = next is null ? length - 1 : length;
            next = next is null ? input.narrow(0, 1, length - 1) : next;
            next = cat([next, zeros(padded - next.shape[0], dtype: ScalarType.Int64)]);
            var e = Norms.Rms(p["token_embd.weight"].index_select(0, next), p[n + "enorm.weight"], c.RmsNormEps);
            var h = Norms.Rms(x, p[n + "hnorm.weight"], c.RmsNormEps);
            var joined = cat([e.unsqueeze(1).expand(h.shape), h], -1);
            var y = joined.matmul(p[n + "eh_proj.weight"].t());
            y = Block(y, next, layer, c.MtpCompressRatio, mask, settings, indexerLosses, loads);
            y = y.narrow(0, 0, mtpRows);
            if (settings.MtpStride > 1) y = y.index_select(0, arange(0, mtpRows, settings.MtpStride, dtype: ScalarType.Int64));
            mtp = Head(y, p.Contains(n + "hc_head_fn.weight") ? n + "hc_head" : "output_hc", n + "shared_head_norm.weight");
        }
        Tensor? indexerLoss = indexerLosses.Count == 0 ? null : stack(indexerLosses).mean();
        return new ForwardResult(logits.narrow(0, 0, length), mtp, indexerLoss, loads);
    }

    private Tensor Block(Tensor x, Tensor ids, int layer, int ratio, Tensor mask, ForwardSettings s, List<Tensor> indexerLosses, Dictionary<int, Tensor> loads)
    {
        var c = Config;
        var p = Parameters;
        string pre = $"blk.{layer}.";
        var rope = ratio == 0 ? _windowRope : _compressedRope;
        var (a, mix) = HyperConnections.Reduce(x, p[pre + "hc_attn_fn.weight"], p[pre + "hc_attn_scale.weight"], p[pre + "hc_attn_base.weight"],
            c.SinkhornIterations, c.HyperConnectionEps, c.RmsNormEps);
        var y = AttentionOp.Forward(Norms.Rms(a, p[pre + "attn_norm.weight"], c.RmsNormEps), p, layer, ratio, c, rope, mask, _hadamard, s, indexerLosses);
        x = HyperConnections.Expand(y, x, mix);
        (a, mix) = HyperConnections.Reduce(x, p[pre + "hc_ffn_fn.weight"], p[pre + "hc_ffn_scale.weight"], p[pre + "hc_ffn_base.weight"],
            c.SinkhornIterations, c.HyperConnectionEps, c.RmsNormEps);
        var (moe, load) = MoeOp.Forward(Norms.Rms(a, p[pre + "ffn_norm.weight"], c.RmsNormEps), ids, p, layer, c);
        if (load is not null) loads[layer] = load;
        return HyperConnections.Expand(moe, x, mix);
    }

    private Tensor Head(Tensor x, string mixer, string norm = "output_norm.weight")
    {
        var c = Config;
        var p = Parameters;
        var h = HyperConnections.Head(x, p[mixer + "_fn.weight"], p[mixer + "_scale.weight"], p[mixer + "_base.weight"], c.HyperConnectionEps, c.RmsNormEps);
        return Norms.Rms(h, p[norm], c.RmsNormEps).matmul(p["output.weight"].t());
    }

    private Tensor WindowMaskFor(long positions)
    {
        if (!_masks.TryGetValue(positions, out var mask))
            _masks[positions] = mask = WindowMask.Build(positions / Config.SlidingWindow, Config.SlidingWindow).DetachFromDisposeScope();
        return mask;
    }
}
