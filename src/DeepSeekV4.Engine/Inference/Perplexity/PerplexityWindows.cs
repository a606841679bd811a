namespace DeepSeekV4.Engine.Inference.Perplexity;

/// <summary>
/// One evaluation window: tokens [Start, Start + Length) of the stream; the tokens at window positions
/// [FirstScored, FirstScored + ScoredCount) are scored, each predicted from the logits of the position before it.
/// </summary>
public readonly record struct PerplexityWindow(int Start, int Length, int FirstScored, int ScoredCount);

/// <summary>Where the windows of a perplexity run fall, llama-perplexity style.</summary>
public static class PerplexityWindows
{
    /// <summary>
    /// Windows over <paramref name="tokenCount"/> tokens. With stride = context (chunks): windows side by side,
    /// each scoring the tokens after its first half (positions ctx/2+1 .. ctx-1, as llama-perplexity). With a smaller
    /// stride (at most ctx/2): a window every <paramref name="stride"/> tokens, each scoring its last
    /// <paramref name="stride"/> tokens, so every scored token has at least ctx − stride tokens of context and none is
    /// scored twice. Only whole windows are used; a text shorter than the context is one window over all of it.
    /// </summary>
    public static IReadOnlyList<PerplexityWindow> Plan(int tokenCount, int contextLength, int stride)
    {
        if (contextLength < 3) throw new ArgumentOutOfRangeException(nameof(contextLength), contextLength, "a window needs at least 3 tokens");
        if (stride < 1 || stride > contextLength)
            throw new ArgumentOutOfRangeException(nameof(stride), stride, $"must be in 1..{contextLength} (the context length)");
        if (stride != contextLength && stride > contextLength / 2)
            throw new ArgumentOutOfRangeException(nameof(stride), stride,
                $"an overlapping stride must be at most half the context ({contextLength / 2}) so scored tokens keep half a window of context; use {contextLength} for side-by-side chunks");
        if (tokenCount < 3) throw new ArgumentException($"perplexity needs at least 3 tokens; the text has {tokenCount}", nameof(tokenCount));

        var windows = new List<PerplexityWindow>();
        if (stride == contextLength || tokenCount < contextLength)
        {
            int length = Math.Min(contextLength, tokenCount);
            int first = length / 2 + 1;
            for (int start = 0; start + length <= tokenCount; start += length)
                windows.Add(new PerplexityWindow(start, length, first, length - first));
        }
        else
        {
            for (int start = 0; start + contextLength <= tokenCount; start += stride)
                windows.Add(new PerplexityWindow(start, contextLength, contextLength - stride, stride));
        }
        return windows;
    }
}
