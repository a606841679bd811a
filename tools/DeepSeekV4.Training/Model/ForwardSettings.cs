namespace DeepSeekV4.Training.Model;

/// <summary>How one forward pass runs.</summary>
public sealed record ForwardSettings
{
    /// <summary>DeepSeek's QAT simulation: FP8 window KV (non-rotary dims) and compressed entries, FP4 indexer q/k.</summary>
    public bool Qat { get; init; }

    /// <summary>CSA attends to the indexer's top-k entries (as inference does); false = all visible entries (dense warm-up).</summary>
    public bool SparseIndexer { get; init; } = true;

    /// <summary>Compute the indexer's KL loss toward the main attention (training).</summary>
    public bool IndexerLoss { get; init; }

    /// <summary>Run the MTP block (needs one token more than the main positions).</summary>
    public bool Mtp { get; init; }

    /// <summary>The MTP head runs on every n-th position only (0, n, 2n, …): the block sees every position, the vocabulary projection fewer.</summary>
    public int MtpStride { get; init; } = 1;
}
