using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Compute;

/// <summary>
/// One sequence's state on a backend — the hc residual streams and sublayer activations of a pass, and the KV cache —
/// and the model's operations over it, one sublayer at a time (reference §5). A pass holds up to
/// <see cref="PassCapacity"/> consecutive tokens; the caller runs, per pass: <see cref="Embed"/>, then per layer
/// <see cref="ReduceStreams"/> → <see cref="Attention"/> → <see cref="ExpandStreams"/> → <see cref="ReduceStreams"/> →
/// <see cref="FeedForward"/> → <see cref="ExpandStreams"/>, then <see cref="Head"/>. Not thread-safe.
/// </summary>
public interface ISequenceCompute : IDisposable
{
    int PassCapacity { get; }

    /// <summary>Tokens the cache holds.</summary>
    int Length { get; }

    /// <summary>The token rows of the pass: embedding rows copied into every hc stream, and the RoPE angles of their positions.</summary>
    void Embed(ReadOnlySpan<int> tokens, int firstPosition);

    /// <summary>A sublayer's input for every token: the mixer's pre/post/comb (kept for <see cref="ExpandStreams"/>), Σ pre·streams, RMS norm.</summary>
    void ReduceStreams(HyperConnectionWeights mixer, float[] norm, int tokens);

    /// <summary>Layer <paramref name="layer"/>'s attention for the pass: projections, cache writes (window, compressors, indexer keys), sink attention, output projection.</summary>
    void Attention(int layer, int tokens, int firstPosition, IForwardObserver? observer);

    /// <summary>Layer <paramref name="layer"/>'s mixture of experts for the pass (routing needs the token ids).</summary>
    void FeedForward(int layer, ReadOnlySpan<int> tokens);

    /// <summary>The sublayer's output mixed back into the streams (post·output + comb·streams).</summary>
    void ExpandStreams(int tokens);

    /// <summary>The streams after block <paramref name="layer"/>, handed to the observer token by token (copied to the host where they live elsewhere).</summary>
    void ObserveBlock(int layer, int tokens, int firstPosition, IForwardObserver observer);

    /// <summary>Output head for rows [first, first + count) of the pass: logits ([count × vocab]) into <paramref name="logits"/> on the host.</summary>
    void Head(int first, int count, Span<float> logits);

    /// <summary>Starts a forward call of <paramref name="tokens"/> tokens: what <see cref="AbortPass"/> needs to undo it is saved.</summary>
    void BeginPass(int tokens);

    void CommitPass();

    /// <summary>Undoes everything since <see cref="BeginPass"/>.</summary>
    void AbortPass();

    bool CanTruncateTo(int length);

    void TruncateTo(int length);

    void Reset();

    /// <summary>A deep copy on the same backend.</summary>
    ISequenceCompute Fork();

    KvCacheStatistics GetStatistics();
}
