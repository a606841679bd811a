using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Inference;

/// <summary>
/// What a DeepSeek V4 model needs in memory, from its configuration alone: the weights as described, the KV cache
/// by component from <see cref="KvCacheSizing"/>, and an estimate of the forward pass's working buffers.
/// </summary>
public sealed class DeepSeekV4Footprint(ModelDescription description, DeepSeekV4Config config, int batchTokens, int truncationSlack) : IModelFootprint
{
    private readonly KvCacheGeometry _geometry = config.ToKvCacheGeometry(truncationSlack);

    public ModelDescription Description => description;

    public DeepSeekV4Config Config => config;

    /// <summary>One full sequence at <paramref name="contextLength"/> tokens, by component.</summary>
    public IReadOnlyList<MemoryComponent> KvCacheBytes(int contextLength, KvCacheFormat format)
    {
        var s = KvCacheSizing.Describe(_geometry, format, contextLength, contextLength);
        return
        [
            new("window", s.WindowBytes),
            new("CSA entries", s.CsaEntryBytes),
            new("indexer keys", s.IndexerKeyBytes),
            new("HCA entries", s.HcaEntryBytes),
            new("compressor state", s.CompressorStateBytes),
        ];
    }

    /// <summary>
    /// Working buffers, estimated: per prefill batch token the four residual streams (twice), the query and the
    /// attention output of every head, the compressor and indexer rows and the routed experts' hidden activations;
    /// plus two vocabulary-sized logit rows (the model's and the sampler's).
    /// </summary>
    public long ScratchBytes(int contextLength)
    {
        var c = config;
        long perToken = 2L * c.HyperConnectionCount * c.HiddenSize + 2L * c.HiddenSize + c.QLoraRank
                        + 2L * c.HeadCount * c.HeadDim + 5L * c.HeadDim
                        + (long)c.IndexerHeadCount * c.IndexerHeadDim + 4L * c.IndexerHeadDim
                        + (long)c.OutputGroupCount * c.OutputLoraRank
                        + 3L * (c.ExpertUsedCount + c.SharedExpertCount) * c.ExpertFeedForwardLength;
        return sizeof(float) * (perToken * Math.Min(batchTokens, contextLength) + 2L * c.VocabSize);
    }
}
