using System.Runtime.CompilerServices;
using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Inference;

/// <summary>A model sequence together with the token ids it holds, so a later prompt can be matched against it.</summary>
internal sealed class TrackedSequence(IModelSequence sequence) : IDisposable
{
    private readonly List<int> _tokens = [];

    public IModelSequence Sequence { get; } = sequence;

    public IReadOnlyList<int> Tokens => _tokens;

    public int Length => _tokens.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<int> tokens, Span<float> logits, CancellationToken cancellationToken, Action<int, int>? progress)
    {
        Sequence.Forward(tokens, logits, false, cancellationToken, progress);
        _tokens.AddRange(tokens);
        if (Sequence.Length != _tokens.Count)
            throw new InvalidOperationException($"the model sequence holds {Sequence.Length} tokens after a forward pass, expected {_tokens.Count}");
    }

    /// <summary>Whether the sequence can be cut back to <paramref name="length"/> (always to 0 or to its own length).</summary>
    public bool CanTruncateTo(int length) => length == 0 || length == Length || (length < Length && Sequence.CanTruncateTo(length));

    public void TruncateTo(int length)
    {
        if (length == Length) return;
        if (length == 0) Sequence.Reset();
        else Sequence.TruncateTo(length);
        _tokens.RemoveRange(length, _tokens.Count - length);
    }

    /// <summary>Forgets everything (after a failure that may have left the model state unknown).</summary>
    public void Reset()
    {
        Sequence.Reset();
        _tokens.Clear();
    }

    public TrackedSequence Fork()
    {
        var copy = new TrackedSequence(Sequence.Fork());
        copy._tokens.AddRange(_tokens);
        return copy;
    }

    public KvCacheStatistics GetStatistics() => Sequence.GetStatistics();

    public void Dispose() => Sequence.Dispose();
}
