namespace DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;

/// <summary>
/// The hyperparameters of a synthetic DeepSeek V4 model, named as the GGUF keys they become (deepseek4.*).
/// Presets follow DeepSeek's published configurations (architecture reference §2) and the dsv4-tiny fixture.
/// </summary>
public sealed record SyntheticModelSpec
{
    /// <summary>llama.cpp refuses attention and indexer heads smaller than this.</summary>
    public const int MinimumHeadSize = 64;

    public required string Name { get; init; }
    public required int EmbeddingLength { get; init; }
    public required int VocabularySize { get; init; }
    public required int ContextLength { get; init; }
    /// <summary>One compress ratio per layer: 0 (window only), 4 (CSA) or 128 (HCA); its length is the layer count.</summary>
    public required IReadOnlyList<int> CompressRatios { get; init; }
    public required int HeadCount { get; init; }
    /// <summary>Per-head key (= value) size; the single shared K=V head has this size too.</summary>
    public required int HeadSize { get; init; }
    public required int RopeDimensionCount { get; init; }
    public required int QLoraRank { get; init; }
    public required int OutputGroupCount { get; init; }
    public required int OutputLoraRank { get; init; }
    public int SlidingWindow { get; init; } = 128;
    public required int ExpertCount { get; init; }
    public required int ExpertUsedCount { get; init; }
    public int ExpertSharedCount { get; init; } = 1;
    public required int ExpertFeedForwardLength { get; init; }
    public required float ExpertWeightsScale { get; init; }
    public int HashLayerCount { get; init; } = 3;
    public float SwigluClamp { get; init; } = 10f;
    public required int IndexerHeadCount { get; init; }
    public int IndexerKeyLength { get; init; } = 128;
    public required int IndexerTopK { get; init; }
    public int HyperConnectionCount { get; init; } = 4;
    public int SinkhornIterations { get; init; } = 20;
    public float HyperConnectionEpsilon { get; init; } = 1e-6f;
    public float RmsEpsilon { get; init; } = 1e-6f;
    public float RopeFreqBase { get; init; } = 10000f;
    public float CompressRopeFreqBase { get; init; } = 160000f;
    public float RopeScalingFactor { get; init; } = 16f;
    public int RopeScalingOriginalContext { get; init; } = 65536;
    public float YarnBetaFast { get; init; } = 32f;
    public float YarnBetaSlow { get; init; } = 1f;

    /// <summary>
    /// Whether the main file carries an MTP block after the layers (llama.cpp's nextn layout): block_count = layers + 1,
    /// nextn_predict_layers = 1, blk.N.* plus blk.N.nextn.*.
    /// </summary>
    public bool Mtp { get; init; }

    public int LayerCount => CompressRatios.Count;

    /// <summary>Rows of a hyper-connection mixing matrix: n pre + n post + n×n comb (24 for 4 streams).</summary>
    public int HyperConnectionMixCount => (2 + HyperConnectionCount) * HyperConnectionCount;

    /// <summary>The preset's configuration, with the layer and routed-expert counts replaced when given.</summary>
    public static SyntheticModelSpec ForPreset(SyntheticPreset preset, int? layers = null, int? experts = null)
    {
        var spec = preset switch
        {
            SyntheticPreset.Tiny => Tiny(layers ?? 6, experts ?? 16),
            SyntheticPreset.Flash => FromPublished("dsv4-synthetic-flash", DeepSeekV4Config.Flash, DeepSeekV4Config.FlashCompressRatio,
                layers ?? DeepSeekV4Config.Flash.LayerCount, experts ?? DeepSeekV4Config.Flash.ExpertCount),
            SyntheticPreset.Pro => FromPublished("dsv4-synthetic-pro", DeepSeekV4Config.Pro, DeepSeekV4Config.ProCompressRatio,
                layers ?? DeepSeekV4Config.Pro.LayerCount, experts ?? DeepSeekV4Config.Pro.ExpertCount),
            SyntheticPreset.Bench => FromPublished("dsv4-synthetic-bench", DeepSeekV4Config.Flash, DeepSeekV4Config.FlashCompressRatio,
                layers ?? 4, experts ?? 16),
            _ => throw new ArgumentOutOfRangeException(nameof(preset), preset, "unknown preset"),
        };
        spec.Validate();
        return spec;
    }

    private static SyntheticModelSpec Tiny(int layers, int experts) => new()
    {
        Name = "dsv4-synthetic-tiny",
        EmbeddingLength = 128,
        VocabularySize = 512,
        ContextLength = 1024,
        CompressRatios = Layout(DeepSeekV4Config.FlashCompressRatio, layers),
        HeadCount = 4,
        HeadSize = 128,
        RopeDimensionCount = 64,
        QLoraRank = 64,
        OutputGroupCount = 2,
        OutputLoraRank = 32,
        ExpertCount = experts,
        ExpertUsedCount = Math.Min(4, experts),
        ExpertFeedForwardLength = 64,
        ExpertWeightsScale = 1.5f,
        HashLayerCount = Math.Min(3, layers),
        IndexerHeadCount = 4,
        IndexerTopK = 32,
    };

    /// <summary>
    /// A published configuration (<see cref="DeepSeekV4Config.Flash"/> / <see cref="DeepSeekV4Config.Pro"/>) with its
    /// per-layer shapes kept and the layer and routed-expert counts as asked; the layout rule extends to any layer count.
    /// Synthetic presets carry no MTP block.
    /// </summary>
    private static SyntheticModelSpec FromPublished(string name, DeepSeekV4Config c, Func<int, int> layout, int layers, int experts) =>
        FromConfig(c, name) with
        {
            CompressRatios = Layout(layout, layers),
            ExpertCount = experts,
            ExpertUsedCount = Math.Min(c.ExpertUsedCount, experts),
            HashLayerCount = Math.Min(c.HashLayerCount, layers),
            Mtp = false,
        };

    /// <summary>
    /// The spec of a model whose configuration is known (e.g. one being trained): every hyperparameter as
    /// <paramref name="c"/> has it, the MTP block when it has one, the routed experts' clamp of its first layer.
    /// </summary>
    public static SyntheticModelSpec FromConfig(DeepSeekV4Config c, string name) => new()
    {
        Name = name,
        EmbeddingLength = c.HiddenSize,
        VocabularySize = c.VocabSize,
        ContextLength = c.ContextLength,
        CompressRatios = c.CompressRatios,
        HeadCount = c.HeadCount,
        HeadSize = c.HeadDim,
        RopeDimensionCount = c.RopeDim,
        QLoraRank = c.QLoraRank,
        OutputGroupCount = c.OutputGroupCount,
        OutputLoraRank = c.OutputLoraRank,
        SlidingWindow = c.SlidingWindow,
        ExpertCount = c.ExpertCount,
        ExpertUsedCount = c.ExpertUsedCount,
        ExpertSharedCount = c.SharedExpertCount,
        ExpertFeedForwardLength = c.ExpertFeedForwardLength,
        ExpertWeightsScale = c.ExpertWeightsScale,
        HashLayerCount = c.HashLayerCount,
        SwigluClamp = c.SwigluClampExperts.Count > 0 ? c.SwigluClampExperts[0] : 0f,
        IndexerHeadCount = c.IndexerHeadCount,
        IndexerKeyLength = c.IndexerHeadDim,
        IndexerTopK = c.IndexerTopK,
        HyperConnectionCount = c.HyperConnectionCount,
        SinkhornIterations = c.SinkhornIterations,
        HyperConnectionEpsilon = c.HyperConnectionEps,
        RmsEpsilon = c.RmsNormEps,
        RopeFreqBase = c.RopeFreqBase,
        CompressRopeFreqBase = c.CompressRopeFreqBase,
        RopeScalingFactor = c.RopeScalingFactor,
        RopeScalingOriginalContext = c.RopeOriginalContextLength,
        YarnBetaFast = c.YarnBetaFast,
        YarnBetaSlow = c.YarnBetaSlow,
        Mtp = c.MtpLayerCount > 0,
    };

    private static int[] Layout(Func<int, int> ratio, int layers) => [.. Enumerable.Range(0, Math.Max(0, layers)).Select(ratio)];

    /// <summary>Refuses combinations llama.cpp or the architecture cannot run, naming the value.</summary>
    public void Validate()
    {
        if (LayerCount < 1) throw new ArgumentException($"{Name}: the layer count must be at least 1, got {LayerCount}");
        if (ExpertCount < 1) throw new ArgumentException($"{Name}: the routed expert count must be at least 1, got {ExpertCount}");
        if (ExpertUsedCount < 1 || ExpertUsedCount > ExpertCount)
            throw new ArgumentException($"{Name}: {ExpertUsedCount} experts used per token out of {ExpertCount}");
        if (HeadSize < MinimumHeadSize) throw new ArgumentException($"{Name}: head size {HeadSize} is below {MinimumHeadSize}");
        if (IndexerKeyLength < MinimumHeadSize) throw new ArgumentException($"{Name}: indexer key length {IndexerKeyLength} is below {MinimumHeadSize}");
        if (RopeDimensionCount > HeadSize || RopeDimensionCount % 2 != 0)
            throw new ArgumentException($"{Name}: {RopeDimensionCount} rotary dims do not fit a head of {HeadSize}");
        if (HeadCount % OutputGroupCount != 0)
            throw new ArgumentException($"{Name}: {HeadCount} heads do not split into {OutputGroupCount} output groups");
        if (HashLayerCount > LayerCount) throw new ArgumentException($"{Name}: {HashLayerCount} hash layers but {LayerCount} layers");
        foreach (int r in CompressRatios)
            if (r is not (0 or 4 or 128)) throw new ArgumentException($"{Name}: compress ratio {r} (0, 4 or 128 expected)");
        if (VocabularySize < SyntheticVocabulary.MinimumSize)
            throw new ArgumentException($"{Name}: vocabulary of {VocabularySize} is below {SyntheticVocabulary.MinimumSize} (specials + bytes)");
    }
}
