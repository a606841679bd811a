using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Inference;

/// <summary>
/// A loaded model as the generation loop sees it: it creates sequences (each with its own KV cache) and knows its
/// vocabulary size. The DeepSeek V4 model implements it; tests may implement it with a small fake.
/// </summary>
public interface ILanguageModel : IDisposable
{
    int VocabularySize { get; }

    /// <summary>The longest context a sequence may be created with.</summary>
    int MaxContextLength { get; }

    /// <summary>A new, empty sequence. Memory is taken as the sequence grows, not up front.</summary>
    IModelSequence CreateSequence(int contextLength, KvCacheFormat format);

    /// <summary>Where the weights and the sequences' caches live: "cpu", "cuda:0", "simulator:0", …</summary>
    string Device => "cpu";

    /// <summary>What the forward pass rounds (the numerics resolved against the file); null where that does not apply.</summary>
    Models.DeepSeekV4.ForwardRounding? Rounding => null;
}

/// <summary>One token stream with its KV cache and compressor state.</summary>
public interface IModelSequence : IDisposable
{
    /// <summary>Tokens held (the next token's position).</summary>
    int Length { get; }

    int ContextLength { get; }

    KvCacheFormat Format { get; }

    /// <summary>
    /// Feeds <paramref name="tokens"/> at positions Length.. (a prompt chunk or one decoded token) and writes the
    /// logits of the last one into <paramref name="logits"/> (length = vocabulary size); with
    /// <paramref name="allLogits"/> it writes every position's logits, row-major [tokens × vocabulary].
    /// Cancellation is checked between layers; a cancelled call leaves the sequence as it was before the call.
    /// <paramref name="progress"/> receives (tokens done, tokens total) while a long input is processed.
    /// </summary>
    void Forward(ReadOnlySpan<int> tokens, Span<float> logits, bool allLogits = false,
        CancellationToken cancellationToken = default, Action<int, int>? progress = null);

    /// <summary>Empties the sequence (keeps its memory for reuse).</summary>
    void Reset();

    /// <summary>
    /// Whether the sequence can be cut back to <paramref name="length"/> tokens exactly (the window and the
    /// compressors' partial blocks must still be reconstructible there).
    /// </summary>
    bool CanTruncateTo(int length);

    /// <summary>Cuts the sequence back to <paramref name="length"/> tokens; throws when <see cref="CanTruncateTo"/> is false.</summary>
    void TruncateTo(int length);

    /// <summary>An independent copy of this sequence's state (the prefix-reuse checkpoint).</summary>
    IModelSequence Fork();

    /// <summary>Bytes held, by component and layer, and the comparison with uncompressed caches.</summary>
    KvCacheStatistics GetStatistics();
}
