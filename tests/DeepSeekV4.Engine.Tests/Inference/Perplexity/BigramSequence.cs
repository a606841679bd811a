using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Tests.Inference.Perplexity;

/// <summary>
/// A sequence whose next-token logits depend only on the token just fed (a bigram table), so every distribution is
/// known in closed form. Records what it was fed, window by window.
/// </summary>
public sealed class BigramSequence(int vocabularySize, Action<int, Span<float>> logitsAfter, int contextLength = 4096) : IModelSequence
{
    public int VocabularySize { get; } = vocabularySize;
    public List<List<int>> Windows { get; } = [];
    public int Length { get; private set; }
    public int ContextLength { get; } = contextLength;
    public KvCacheFormat Format => KvCacheFormat.F32;

    /// <summary>Logits a at token (prev + 1) mod V and 0 elsewhere: the "next" token has probability e^a / (e^a + V − 1).</summary>
    public static BigramSequence Successor(int vocabularySize, float a, int contextLength = 4096) =>
        new(vocabularySize, (prev, row) => { row.Clear(); row[(prev + 1) % vocabularySize] = a; }, contextLength);

    public void Forward(ReadOnlySpan<int> tokens, Span<float> logits, bool allLogits = false, CancellationToken cancellationToken = default, Action<int, int>? progress = null)
    {
        if (Length + tokens.Length > ContextLength) throw new InvalidOperationException("context overflow");
        if (Windows.Count == 0) Windows.Add([]);
        Windows[^1].AddRange(tokens.ToArray());
        for (int i = 0; i < tokens.Length; i++)
        {
            if (allLogits) logitsAfter(tokens[i], logits.Slice(i * VocabularySize, VocabularySize));
            else if (i == tokens.Length - 1) logitsAfter(tokens[i], logits[..VocabularySize]);
        }
        Length += tokens.Length;
    }

    public void Reset()
    {
        Length = 0;
        Windows.Add([]);
    }

    public bool CanTruncateTo(int length) => false;
    public void TruncateTo(int length) => throw new NotSupportedException();
    public IModelSequence Fork() => throw new NotSupportedException();
    public KvCacheStatistics GetStatistics() => throw new NotSupportedException();
    public void Dispose() { }
}
