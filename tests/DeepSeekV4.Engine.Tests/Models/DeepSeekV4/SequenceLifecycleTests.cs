using global::DeepSeekV4.Engine.Inference;
using global::DeepSeekV4.Engine.KvCache;
using global::DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

/// <summary>
/// Reset, truncate, fork and cancellation: each must leave a sequence that continues exactly like a freshly
/// computed one (the reference is an independent fresh run of the same tokens; logits compared bit for bit, since
/// the same code path computes them from the same cache contents).
/// </summary>
[Collection(TinyModelCollection.Name)]
public class SequenceLifecycleTests(TinyModelFixture fixture)
{
    private static readonly int[] Tokens = TinyReference.Case("len300").Prompt;

    private static readonly Dictionary<(int, KvCacheFormat), float[]> FreshRuns = [];

    private float[] Fresh(int length, KvCacheFormat format = KvCacheFormat.Native)
    {
        lock (FreshRuns)
        {
            if (FreshRuns.TryGetValue((length, format), out var cached)) return cached;
            using var s = fixture.Model.CreateSequence(1024, format);
            var logits = new float[TinyReference.Vocab];
            s.Forward(Tokens.AsSpan(0, length), logits);
            return FreshRuns[(length, format)] = logits;
        }
    }

    [Fact]
    public void ResetThenRerunGivesTheSameLogits()
    {
        using var s = fixture.Model.CreateSequence(1024);
        var logits = new float[TinyReference.Vocab];
        s.Forward(Tokens.AsSpan(0, 150), logits);
        s.Reset();
        Assert.Equal(0, s.Length);
        s.Forward(Tokens.AsSpan(0, 140), logits);
        Assert.Equal(Fresh(140), logits);
    }

    [Theory]
    [InlineData(200, 199)]   // one token back
    [InlineData(200, 190)]   // inside a CSA block and an HCA block
    [InlineData(260, 256)]   // back to a 128-token block boundary
    [InlineData(203, 171)]   // the full slack (32 tokens)
    public void TruncatingWithinTheSlackThenContinuingMatchesAFreshRun(int held, int cutTo)
    {
        using var s = fixture.Model.CreateSequence(1024);
        var logits = new float[TinyReference.Vocab];
        s.Forward(Tokens.AsSpan(0, held), logits);
        Assert.True(s.CanTruncateTo(cutTo));
        s.TruncateTo(cutTo);
        Assert.Equal(cutTo, s.Length);
        s.Forward(Tokens.AsSpan(cutTo, 280 - cutTo), logits);
        Assert.Equal(Fresh(280), logits);
    }

    [Fact]
    public void TruncationBeyondTheSlackIsRefusedAndChangesNothing()
    {
        using var s = fixture.Model.CreateSequence(1024);
        var logits = new float[TinyReference.Vocab];
        s.Forward(Tokens.AsSpan(0, 250), logits);
        // 250 → 200: the window ring (128 + 32 rows) no longer holds position 200 − 127 = 73.
        Assert.False(s.CanTruncateTo(200));
        Assert.Throws<InvalidOperationException>(() => s.TruncateTo(200));
        Assert.True(s.CanTruncateTo(0));
        Assert.True(s.CanTruncateTo(250));
        Assert.False(s.CanTruncateTo(251));
        Assert.Equal(250, s.Length);
        s.Forward(Tokens.AsSpan(250, 10), logits);
        Assert.Equal(Fresh(260), logits);
    }

    [Fact]
    public void TruncationIsPossibleExactlyWhereTheRingsStillHoldWhatTheNextTokenNeeds()
    {
        // Rings of the tiny model with the default slack of 32: window 128 + 32 rows, CSA compressors 8 + 32 rows,
        // HCA compressor 128 + 32 rows. At length n the next token needs window positions [n − 127, n), a CSA
        // compressor's rows from the block before n's block, an HCA compressor's rows from n's block start.
        using var s = fixture.Model.CreateSequence(1024);
        s.Forward(Tokens.AsSpan(0, 290), new float[TinyReference.Vocab]);
        const int l = 290;
        static bool Held(int from, int to, int rows) => from >= to || from >= Math.Max(0, l - rows);
        for (int n = 0; n <= l; n++)
        {
            bool expected = n == 0 || n == l ||
                (Held(Math.Max(0, n - 127), n, 160) && Held(Math.Max(0, n / 4 * 4 - 4), n, 40) && Held(n / 128 * 128, n, 160));
            Assert.True(expected == s.CanTruncateTo(n), $"length {n}: expected {expected}");
        }
    }

    [Fact]
    public void ForkIsADeepCopy()
    {
        using var s = fixture.Model.CreateSequence(1024, KvCacheFormat.Q8_0);
        var logits = new float[TinyReference.Vocab];
        s.Forward(Tokens.AsSpan(0, 180), logits);
        using var fork = s.Fork();
        Assert.Equal(180, fork.Length);
        Assert.Equal(KvCacheFormat.Q8_0, fork.Format);

        // The original goes on with other tokens; the fork must not see them.
        s.Forward(Tokens.AsSpan(100, 90), logits);
        var forkLogits = new float[TinyReference.Vocab];
        fork.Forward(Tokens.AsSpan(180, 70), forkLogits);
        Assert.Equal(Fresh(250, KvCacheFormat.Q8_0), forkLogits);

        s.TruncateTo(s.Length);
        Assert.Equal(270, s.Length);
    }

    [Fact]
    public void CancelledForwardLeavesTheSequenceAsBefore()
    {
        using var s = fixture.Model.CreateSequence(1024);
        var logits = new float[TinyReference.Vocab];
        s.Forward(Tokens.AsSpan(0, 120), logits);
        using var cts = new CancellationTokenSource();
        // Cancel in the middle of the second internal pass, after some layers of it ran (180 tokens: rings saved).
        s.Observer = new CancelAt(cts, layer: 3, position: 120 + 150);
        Assert.ThrowsAny<OperationCanceledException>(() => s.Forward(Tokens.AsSpan(120, 180), logits, cancellationToken: cts.Token));
        s.Observer = null;
        Assert.Equal(120, s.Length);
        s.Forward(Tokens.AsSpan(120, 130), logits);
        Assert.Equal(Fresh(250), logits);
    }

    [Fact]
    public void CancelledSingleTokenForwardLeavesTheSequenceAsBefore()
    {
        using var s = fixture.Model.CreateSequence(1024);
        var logits = new float[TinyReference.Vocab];
        s.Forward(Tokens.AsSpan(0, 255), logits);
        using var cts = new CancellationTokenSource();
        s.Observer = new CancelAt(cts, layer: 4, position: 255);
        Assert.ThrowsAny<OperationCanceledException>(() => s.Forward(Tokens.AsSpan(255, 1), logits, cancellationToken: cts.Token));
        s.Observer = null;
        Assert.Equal(255, s.Length);
        s.Forward(Tokens.AsSpan(255, 5), logits);
        Assert.Equal(Fresh(260), logits);
    }

    [Fact]
    public void InputThatDoesNotFitIsRefusedBeforeAnythingChanges()
    {
        using var s = fixture.Model.CreateSequence(64);
        var logits = new float[TinyReference.Vocab];
        s.Forward(Tokens.AsSpan(0, 60), logits);
        var e = Assert.Throws<ContextOverflowException>(() => s.Forward(Tokens.AsSpan(60, 5), logits));
        Assert.Equal(64, e.ContextLength);
        Assert.Throws<ArgumentException>(() => s.Forward([3, 512], logits));
        Assert.Throws<ArgumentException>(() => s.Forward([3, 4], new float[10]));
        Assert.Equal(60, s.Length);
        s.Forward(Tokens.AsSpan(60, 4), logits);
        Assert.Equal(Fresh(64), logits);
    }

    [Fact]
    public void ProgressReportsEveryPass()
    {
        using var s = fixture.Model.CreateSequence(1024);
        var reports = new List<(int, int)>();
        s.Forward(Tokens.AsSpan(0, 300), new float[TinyReference.Vocab], progress: (done, total) => reports.Add((done, total)));
        Assert.Equal([(128, 300), (256, 300), (300, 300)], reports);
    }

    [Fact]
    public void DisposedSequenceRefusesWork()
    {
        var s = fixture.Model.CreateSequence(16);
        s.Dispose();
        Assert.Throws<ObjectDisposedException>(() => s.Forward([1], new float[TinyReference.Vocab]));
        Assert.False(s.CanTruncateTo(0));
        Assert.Equal(0, s.Length);
        Assert.Equal(16, s.ContextLength);
        Assert.Throws<ObjectDisposedException>(() => s.GetStatistics());
    }

    private sealed class CancelAt(CancellationTokenSource cts, int layer, int position) : IForwardObserver
    {
        public void OnBlockOutput(int l, int p, ReadOnlySpan<float> streams)
        {
            if (l == layer && p == position) cts.Cancel();
        }

        public void OnAttentionOutput(int l, int p, ReadOnlySpan<float> heads) { }

        public void OnIndexerSelection(int l, int p, ReadOnlySpan<float> scores, ReadOnlySpan<int> selected) { }
    }
}
