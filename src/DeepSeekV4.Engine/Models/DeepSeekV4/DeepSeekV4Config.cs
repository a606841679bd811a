using System.Globalization;
using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>
/// The hyperparameters of a DeepSeek V4 model (reference §2), read from a GGUF's <c>deepseek4.*</c> keys
/// (llama.cpp's names, reference §9.1) or taken from the built-in <see cref="Flash"/> / <see cref="Pro"/> presets.
/// Layer lists (<see cref="CompressRatios"/>, clamps) cover the main layers; the MTP block, when present, is
/// described separately and is not part of the forward pass.
/// </summary>
public sealed record DeepSeekV4Config
{
    /// <summary>What the file lacked or held differently that the model tolerates, in the user's terms (shown as warnings).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    public const string ArchitectureName = "deepseek4";

    /// <summary>Where the values came from (file path or preset name), used in error messages.</summary>
    public string Source { get; init; } = "(config)";

    public required int VocabSize { get; init; }
    public required int HiddenSize { get; init; }
    /// <summary>Main decoder layers (the MTP block excluded).</summary>
    public required int LayerCount { get; init; }
    /// <summary>MTP blocks stored after the main layers (llama.cpp's nextn_predict_layers).</summary>
    public int MtpLayerCount { get; init; }
    public required int ContextLength { get; init; }

    public required int HeadCount { get; init; }
    public required int HeadDim { get; init; }
    /// <summary>Rotary dims: the last RopeDim of every head (and of every indexer head).</summary>
    public required int RopeDim { get; init; }
    public required int QLoraRank { get; init; }
    public required int OutputLoraRank { get; init; }
    public required int OutputGroupCount { get; init; }
    public required int SlidingWindow { get; init; }
    public float RmsNormEps { get; init; } = 1e-6f;
    /// <summary>Per main layer: 0 window only, 4 CSA (with the lightning indexer), 128 HCA.</summary>
    public required IReadOnlyList<int> CompressRatios { get; init; }
    public int MtpCompressRatio { get; init; }

    public float RopeFreqBase { get; init; } = 10000f;
    public float CompressRopeFreqBase { get; init; } = 160000f;
    public float RopeScalingFactor { get; init; } = 1f;
    /// <summary>YaRN's original context; 0 means no YaRN on the compressed layers.</summary>
    public int RopeOriginalContextLength { get; init; }
    public float YarnBetaFast { get; init; } = 32f;
    public float YarnBetaSlow { get; init; } = 1f;

    public required int IndexerHeadCount { get; init; }
    public required int IndexerHeadDim { get; init; }
    public required int IndexerTopK { get; init; }

    public required int ExpertCount { get; init; }
    public required int ExpertUsedCount { get; init; }
    public int SharedExpertCount { get; init; } = 1;
    public required int ExpertFeedForwardLength { get; init; }
    public required float ExpertWeightsScale { get; init; }
    public bool ExpertWeightsNorm { get; init; } = true;
    public required int HashLayerCount { get; init; }
    /// <summary>SwiGLU clamp of the routed experts per layer (main layers, then MTP); 0 = none.</summary>
    public required IReadOnlyList<float> SwigluClampExperts { get; init; }
    /// <summary>SwiGLU clamp of the shared expert per layer (main layers, then MTP); 0 = none.</summary>
    public required IReadOnlyList<float> SwigluClampShared { get; init; }

    public int HyperConnectionCount { get; init; } = 4;
    public int SinkhornIterations { get; init; } = 20;
    public float HyperConnectionEps { get; init; } = 1e-6f;

    public int NopeDim => HeadDim - RopeDim;
    public int HeadsPerGroup => HeadCount / OutputGroupCount;
    /// <summary>Rows of a hyper-connection mixing matrix: (2 + hc) · hc (pre, post, comb).</summary>
    public int HyperConnectionMixCount => (2 + HyperConnectionCount) * HyperConnectionCount;
    public bool UsesYarn => RopeOriginalContextLength > 0;

    public int CompressRatio(int layer) => CompressRatios[layer];
    public bool IsCsaLayer(int layer) => CompressRatios[layer] == 4;
    public bool IsHcaLayer(int layer) => CompressRatios[layer] == 128;
    public bool IsHashLayer(int layer) => layer < HashLayerCount;

    /// <summary>The KV-cache shape of this model: what a sequence stores per layer.</summary>
    public KvCacheGeometry ToKvCacheGeometry(int truncationSlack = KvCacheGeometry.DefaultTruncationSlack) =>
        new(HeadCount, HeadDim, RopeDim, IndexerHeadDim, SlidingWindow, CompressRatios, truncationSlack);

    /// <summary>DeepSeek-V4-Flash (reference §2.1): 43 layers, L0–L1 window only, then CSA on even and HCA on odd layers.</summary>
    public static DeepSeekV4Config Flash { get; } = Preset("preset Flash", hidden: 4096, layers: 43, heads: 64, qLora: 1024,
        oGroups: 8, topK: 512, ffn: 2048, experts: 256, routeScale: 1.5f, ratio: FlashCompressRatio);

    /// <summary>DeepSeek-V4-Pro (reference §2.1): 61 layers, L0–L1 HCA, then CSA on even and HCA on odd layers.</summary>
    public static DeepSeekV4Config Pro { get; } = Preset("preset Pro", hidden: 7168, layers: 61, heads: 128, qLora: 1536,
        oGroups: 16, topK: 1024, ffn: 3072, experts: 384, routeScale: 2.5f, ratio: ProCompressRatio);

    /// <summary>V4-Flash's layer layout: layers 0 and 1 window only, then CSA (4) on even and HCA (128) on odd layers.</summary>
    public static int FlashCompressRatio(int layer) => layer < 2 ? 0 : layer % 2 == 0 ? 4 : 128;

    /// <summary>V4-Pro's layer layout: layers 0 and 1 HCA (128), then CSA (4) on even and HCA (128) on odd layers.</summary>
    public static int ProCompressRatio(int layer) => layer < 2 ? 128 : layer % 2 == 0 ? 4 : 128;

    private static DeepSeekV4Config Preset(string name, int hidden, int layers, int heads, int qLora, int oGroups, int topK,
        int ffn, int experts, float routeScale, Func<int, int> ratio)
    {
        var config = new DeepSeekV4Config
        {
            Source = name,
            VocabSize = 129280, HiddenSize = hidden, LayerCount = layers, MtpLayerCount = 1, ContextLength = 1 << 20,
            HeadCount = heads, HeadDim = 512, RopeDim = 64, QLoraRank = qLora, OutputLoraRank = 1024, OutputGroupCount = oGroups,
            SlidingWindow = 128, CompressRatios = Enumerable.Range(0, layers).Select(ratio).ToArray(), MtpCompressRatio = 0,
            RopeFreqBase = 10000f, CompressRopeFreqBase = 160000f, RopeScalingFactor = 16f, RopeOriginalContextLength = 65536,
            YarnBetaFast = 32f, YarnBetaSlow = 1f,
            IndexerHeadCount = 64, IndexerHeadDim = 128, IndexerTopK = topK,
            ExpertCount = experts, ExpertUsedCount = 6, SharedExpertCount = 1, ExpertFeedForwardLength = ffn,
            ExpertWeightsScale = routeScale, ExpertWeightsNorm = true, HashLayerCount = 3,
            SwigluClampExperts = Enumerable.Repeat(10f, layers + 1).ToArray(),
            SwigluClampShared = Enumerable.Repeat(10f, layers + 1).ToArray(),
        };
        config.Validate();
        return config;
    }

    /// <summary>Reads and validates the configuration of a <c>deepseek4</c> GGUF.</summary>
    public static DeepSeekV4Config FromGguf(GgufFile file) => DeepSeekV4GgufConfigReader.Read(file);

    /// <summary>Checks every value the forward pass relies on; throws <see cref="UnsupportedModelException"/> naming the key.</summary>
    public void Validate()
    {
        const string p = "deepseek4.";
        Positive(p + "vocab_size", VocabSize);
        Positive(p + "embedding_length", HiddenSize);
        Positive(p + "block_count", LayerCount);
        Positive(p + "context_length", ContextLength);
        Positive(p + "attention.head_count", HeadCount);
        Positive(p + "attention.key_length", HeadDim);
        if (RopeDim <= 0 || RopeDim % 2 != 0 || RopeDim > HeadDim)
            Fail(p + "rope.dimension_count", RopeDim, $"must be even and within the head dim {HeadDim}");
        if (NopeDim % 64 != 0)
            Fail(p + "attention.key_length", HeadDim, $"the {NopeDim} non-rotary dims must be a multiple of 64 (the FP8 block of the KV cache)");
        if (HeadDim % 32 != 0) Fail(p + "attention.key_length", HeadDim, "must be a multiple of 32");
        Positive(p + "attention.q_lora_rank", QLoraRank);
        Positive(p + "attention.output_lora_rank", OutputLoraRank);
        if (OutputGroupCount <= 0 || HeadCount % OutputGroupCount != 0)
            Fail(p + "attention.output_group_count", OutputGroupCount, $"must divide attention.head_count = {HeadCount}");
        Positive(p + "attention.sliding_window", SlidingWindow);
        if (!(RmsNormEps > 0)) Fail(p + "attention.layer_norm_rms_epsilon", RmsNormEps, "must be positive");
        if (CompressRatios.Count != LayerCount)
            Fail(p + "attention.compress_ratios", CompressRatios.Count, $"needs one entry per layer ({LayerCount})");
        for (int l = 0; l < CompressRatios.Count; l++)
            if (CompressRatios[l] is not (0 or 4 or 128))
                Fail($"{p}attention.compress_ratios[{l}]", CompressRatios[l], "supported compression ratios are 0, 4 and 128");
        if (MtpCompressRatio is not (0 or 4 or 128)) Fail(p + "attention.compress_ratios[mtp]", MtpCompressRatio, "supported compression ratios are 0, 4 and 128");
        if (!(RopeFreqBase > 1)) Fail(p + "rope.freq_base", RopeFreqBase, "must be > 1");
        if (!(CompressRopeFreqBase > 1)) Fail(p + "attention.compress_rope_freq_base", CompressRopeFreqBase, "must be > 1");
        if (UsesYarn && !(RopeScalingFactor >= 1)) Fail(p + "rope.scaling.factor", RopeScalingFactor, "must be ≥ 1");
        if (UsesYarn && !(YarnBetaFast > 0 && YarnBetaSlow > 0))
            Fail(p + "rope.scaling.yarn_beta_fast", YarnBetaFast, $"YaRN betas must be positive (beta_slow = {YarnBetaSlow})");
        bool anyCsa = CompressRatios.Contains(4) || MtpCompressRatio == 4;
        if (anyCsa)
        {
            Positive(p + "attention.indexer.head_count", IndexerHeadCount);
            if (IndexerHeadDim <= 0 || (IndexerHeadDim & (IndexerHeadDim - 1)) != 0 || IndexerHeadDim < RopeDim || IndexerHeadDim % 32 != 0)
                Fail(p + "attention.indexer.key_length", IndexerHeadDim, $"must be a power of two ≥ 32 and ≥ the rotary dims ({RopeDim}) for the Hadamard transform");
            Positive(p + "attention.indexer.top_k", IndexerTopK);
        }
        Positive(p + "expert_count", ExpertCount);
        if (ExpertUsedCount <= 0 || ExpertUsedCount > ExpertCount)
            Fail(p + "expert_used_count", ExpertUsedCount, $"must be in 1..expert_count ({ExpertCount})");
        if (SharedExpertCount < 0) Fail(p + "expert_shared_count", SharedExpertCount, "must not be negative");
        Positive(p + "expert_feed_forward_length", ExpertFeedForwardLength);
        if (!(ExpertWeightsScale > 0)) Fail(p + "expert_weights_scale", ExpertWeightsScale, "must be positive");
        if (HashLayerCount < 0 || HashLayerCount > LayerCount) Fail(p + "hash_layer_count", HashLayerCount, $"must be in 0..block_count ({LayerCount})");
        if (SwigluClampExperts.Count < LayerCount + MtpLayerCount)
            Fail(p + "swiglu_clamp_exp", SwigluClampExperts.Count, $"needs one value per layer ({LayerCount + MtpLayerCount})");
        if (SwigluClampShared.Count < LayerCount + MtpLayerCount)
            Fail(p + "swiglu_clamp_shexp", SwigluClampShared.Count, $"needs one value per layer ({LayerCount + MtpLayerCount})");
        foreach (var c in SwigluClampExperts.Concat(SwigluClampShared))
            if (!(c >= 0)) Fail(p + "swiglu_clamp_exp", c, "clamps must be ≥ 0 (0 = none)");
        Positive(p + "hyper_connection.count", HyperConnectionCount);
        Positive(p + "hyper_connection.sinkhorn_iterations", SinkhornIterations);
        if (!(HyperConnectionEps >= 0)) Fail(p + "hyper_connection.epsilon", HyperConnectionEps, "must be ≥ 0");
        if (MtpLayerCount < 0) Fail(p + "nextn_predict_layers", MtpLayerCount, "must not be negative");
    }

    private void Positive(string key, int value)
    {
        if (value <= 0) Fail(key, value, "must be positive");
    }

    private void Fail(string key, object value, string problem) =>
        throw new UnsupportedModelException(Source, key, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "", problem);
}
