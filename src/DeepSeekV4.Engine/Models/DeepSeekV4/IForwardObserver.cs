namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>
/// Optional taps into a forward pass for debugging and for tests against the reference's intermediate values.
/// Spans are only valid during the call.
/// </summary>
public interface IForwardObserver
{
    /// <summary>The hc residual streams ([hc × D]) of the token at <paramref name="position"/> after block <paramref name="layer"/>.</summary>
    void OnBlockOutput(int layer, int position, ReadOnlySpan<float> streams);

    /// <summary>Per-head attention output ([heads × head_dim]) after the sink softmax and the inverse RoPE (the input of wo_a).</summary>
    void OnAttentionOutput(int layer, int position, ReadOnlySpan<float> heads);

    /// <summary>The lightning indexer's score of every visible compressed entry and the entries it selected.</summary>
    void OnIndexerSelection(int layer, int position, ReadOnlySpan<float> scores, ReadOnlySpan<int> selected);
}
