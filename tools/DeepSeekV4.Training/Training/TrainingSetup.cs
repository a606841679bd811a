using System.Text.Json;
using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Training.Training;

/// <summary>The model's shape and the schedule of a run; stored in every checkpoint (JSON) so export and resume need nothing else.</summary>
public sealed record TrainingSetup
{
    public int Vocabulary { get; init; } = 8192;
    public int Dim { get; init; } = 256;
    public int[] Ratios { get; init; } = [0, 4, 128, 4];
    public int Heads { get; init; } = 4;
    public int HeadDim { get; init; } = 128;
    public int RopeDim { get; init; } = 64;
    public int QLora { get; init; } = 128;
    public int OutputGroups { get; init; } = 2;
    public int OutputLora { get; init; } = 64;
    public int Experts { get; init; } = 8;
    public int ActiveExperts { get; init; } = 2;
    public int MoeInter { get; init; } = 128;
    public int HashLayers { get; init; } = 1;
    public float RouteScale { get; init; } = 1.5f;
    public int IndexHeads { get; init; } = 4;
    public int IndexDim { get; init; } = 64;
    public int IndexTopK { get; init; } = 64;
    public int Window { get; init; } = 128;
    public int Context { get; init; } = 1024;
    /// <summary>context_length written to the GGUF (the model runs past its training context).</summary>
    public int MaxContext { get; init; } = 4096;
    public bool Mtp { get; init; } = true;
    public double MtpWeight { get; init; } = 0.3;
    /// <summary>The MTP loss is taken at every n-th position (its vocabulary projection is the costliest product).</summary>
    public int MtpStride { get; init; } = 4;

    public long Seed { get; init; } = 1234;
    public int Steps { get; init; } = 600;
    public int Batch { get; init; } = 1;
    public double LearningRate { get; init; } = 2e-3;
    public double MinLearningRateRatio { get; init; } = 0.1;
    public int WarmupSteps { get; init; } = 30;
    public double Clip { get; init; } = 1.0;
    public double WeightDecay { get; init; } = 0.1;
    /// <summary>Steps during which CSA attends to every visible entry while the indexer learns (then top-k).</summary>
    public int DenseIndexerSteps { get; init; } = 100;
    public double BiasRate { get; init; } = 1e-3;
    public bool Qat { get; init; }
    public int EvalEvery { get; init; } = 50;
    public int EvalWindows { get; init; } = 8;
    public int CheckpointEvery { get; init; } = 25;

    public static TrainingSetup FromOptions(Options o, int vocabulary) => new()
    {
        Vocabulary = vocabulary,
        Dim = o.Int("dim", 256),
        Ratios = [.. o.String("ratios", "0,4,128,4").Split(',').Select(int.Parse)],
        Heads = o.Int("heads", 4),
        HeadDim = o.Int("head-dim", 128),
        RopeDim = o.Int("rope-dim", 64),
        QLora = o.Int("q-lora", 128),
        OutputGroups = o.Int("o-groups", 2),
        OutputLora = o.Int("o-lora", 64),
        Experts = o.Int("experts", 8),
        ActiveExperts = o.Int("active", 2),
        MoeInter = o.Int("moe-inter", 128),
        HashLayers = o.Int("hash-layers", 1),
        IndexHeads = o.Int("index-heads", 4),
        IndexDim = o.Int("index-dim", 64),
        IndexTopK = o.Int("index-topk", 64),
        Context = o.Int("ctx", 1024),
        MaxContext = o.Int("max-ctx", 4096),
        Mtp = o.Int("mtp", 1) > 0,
        MtpWeight = o.Double("mtp-weight", 0.3),
        MtpStride = o.Int("mtp-stride", 4),
        Seed = o.Int("seed", 1234),
        Steps = o.Int("steps", 600),
        Batch = o.Int("batch", 1),
        LearningRate = o.Double("lr", 2e-3),
        MinLearningRateRatio = o.Double("min-lr-ratio", 0.1),
        WarmupSteps = o.Int("warmup", 30),
        Clip = o.Double("clip", 1.0),
        WeightDecay = o.Double("wd", 0.1),
        DenseIndexerSteps = o.Int("dense-indexer-steps", 100),
        BiasRate = o.Double("bias-rate", 1e-3),
        Qat = o.Flag("qat"),
        EvalEvery = o.Int("eval-every", 50),
        EvalWindows = o.Int("eval-windows", 8),
        CheckpointEvery = o.Int("checkpoint-every", 25),
    };

    public DeepSeekV4Config ToConfig() => new()
    {
        Source = "dsv4-train",
        VocabSize = Vocabulary,
        HiddenSize = Dim,
        LayerCount = Ratios.Length,
        MtpLayerCount = Mtp ? 1 : 0,
        ContextLength = MaxContext,
        HeadCount = Heads,
        HeadDim = HeadDim,
        RopeDim = RopeDim,
        QLoraRank = QLora,
        OutputLoraRank = OutputLora,
        OutputGroupCount = OutputGroups,
        SlidingWindow = Window,
        CompressRatios = Ratios,
        MtpCompressRatio = 0,
        RopeFreqBase = 10000f,
        CompressRopeFreqBase = 160000f,
        RopeScalingFactor = 16f,
        RopeOriginalContextLength = 65536,
        IndexerHeadCount = IndexHeads,
        IndexerHeadDim = IndexDim,
        IndexerTopK = IndexTopK,
        ExpertCount = Experts,
        ExpertUsedCount = ActiveExperts,
        SharedExpertCount = 1,
        ExpertFeedForwardLength = MoeInter,
        ExpertWeightsScale = RouteScale,
        HashLayerCount = HashLayers,
        SwigluClampExperts = [.. Enumerable.Repeat(10f, Ratios.Length + 1)],
        SwigluClampShared = [.. Enumerable.Repeat(10f, Ratios.Length + 1)],
    };

    /// <summary>The schedule's length before it was extended on resume (0: never extended).</summary>
    public int OriginalSteps { get; init; }
    /// <summary>The step from which an extended schedule runs (0: never extended).</summary>
    public long ExtendedFrom { get; init; }
    /// <summary>The rate at <see cref="ExtendedFrom"/>, where the extension's cosine starts.</summary>
    public double ExtendedLearningRate { get; init; }

    /// <summary>A second token file of the data folder that a continued run's windows are drawn from (null: train.u16 only).</summary>
    public string? MixFile { get; init; }
    /// <summary>The share of windows drawn from <see cref="MixFile"/>.</summary>
    public double MixShare { get; init; }

    /// <summary>
    /// Linear warm-up, then a cosine to <see cref="MinLearningRateRatio"/> × the peak at the last step. After an
    /// extension: from <see cref="ExtendedFrom"/> a cosine from the rate reached there down to the same minimum.
    /// </summary>
    public double LearningRateAt(long step)
    {
        double min = LearningRate * MinLearningRateRatio;
        if (ExtendedFrom > 0 && step >= ExtendedFrom)
        {
            double p = Math.Min(1.0, (double)(step - ExtendedFrom) / Math.Max(1, Steps - ExtendedFrom));
            return min + (ExtendedLearningRate - min) * 0.5 * (1 + Math.Cos(Math.PI * p));
        }
        if (step < WarmupSteps) return LearningRate * (step + 1) / WarmupSteps;
        int total = OriginalSteps > 0 ? OriginalSteps : Steps;
        double progress = Math.Min(1.0, (double)(step - WarmupSteps) / Math.Max(1, total - WarmupSteps));
        return min + (LearningRate - min) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    /// <summary>
    /// This schedule continued from <paramref name="step"/> to <paramref name="steps"/>: a cosine from
    /// <paramref name="rate"/> (by default the rate reached at <paramref name="step"/>, so without a jump) to the minimum.
    /// </summary>
    public TrainingSetup ExtendedTo(int steps, long step, double? rate = null) => this with
    {
        OriginalSteps = OriginalSteps > 0 ? OriginalSteps : Steps,
        ExtendedFrom = step,
        ExtendedLearningRate = rate ?? LearningRateAt(step),
        Steps = steps,
    };

    public string ToJson() => JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true });

    public static TrainingSetup FromJson(string json) => JsonSerializer.Deserialize<TrainingSetup>(json)
        ?? throw new InvalidDataException("checkpoint: empty training setup");
}
