using DeepSeekV4.Engine.Inference.Perplexity;

namespace DeepSeekV4.Engine.Tests.Inference.Perplexity;

public class PerplexityWindowsTests
{
    [Fact]
    public void ChunksScoreTheSecondHalfAsLlamaPerplexity()
    {
        // n_ctx 20: chunks at 0, 20, …, 80; positions 11..19 of each scored (first = n_ctx/2, j from first to n_ctx-2).
        var windows = PerplexityWindows.Plan(100, 20, 20);
        Assert.Equal(new[] { 0, 20, 40, 60, 80 }, windows.Select(w => w.Start));
        Assert.All(windows, w => Assert.Equal((20, 11, 9), (w.Length, w.FirstScored, w.ScoredCount)));
    }

    [Fact]
    public void TrailingPartialChunkIsLeftOut() => Assert.Equal(4, PerplexityWindows.Plan(99, 20, 20).Count);

    [Fact]
    public void OverlappingWindowsScoreEveryTokenAfterTheFirstContextOnce()
    {
        var windows = PerplexityWindows.Plan(100, 20, 5);
        Assert.Equal(17, windows.Count); // starts 0, 5, …, 80
        var scored = windows.SelectMany(w => Enumerable.Range(w.Start + w.FirstScored, w.ScoredCount)).ToList();
        Assert.Equal(Enumerable.Range(15, 85), scored); // tokens 15..99, each once, in order
        Assert.All(windows, w => Assert.True(w.FirstScored >= 10)); // at least half a window of context
    }

    [Fact]
    public void ShortTextIsOneWindow()
    {
        var w = Assert.Single(PerplexityWindows.Plan(7, 512, 512));
        Assert.Equal((0, 7, 4, 3), (w.Start, w.Length, w.FirstScored, w.ScoredCount));
    }

    [Theory]
    [InlineData(100, 20, 11)] // overlapping stride beyond half the window
    [InlineData(100, 20, 0)]
    [InlineData(100, 20, 21)]
    [InlineData(100, 2, 2)]
    public void BadStridesAndContextsAreRefused(int tokens, int context, int stride) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PerplexityWindows.Plan(tokens, context, stride));

    [Fact]
    public void TooFewTokensAreRefused() => Assert.Throws<ArgumentException>(() => PerplexityWindows.Plan(2, 20, 20));
}
