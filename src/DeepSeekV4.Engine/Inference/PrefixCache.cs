using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Inference;

/// <summary>
/// The sequences one session keeps for one model: the active sequence (the last completion's prompt and output) and
/// a checkpoint forked where consecutive prompts stopped agreeing (e.g. after a shared instruction). A new prompt
/// continues from whichever holds the longest usable prefix of it; "usable" is the model's call
/// (<see cref="IModelSequence.CanTruncateTo"/> knows the window and the compressors' block boundaries).
/// </summary>
internal sealed class PrefixCache(ILanguageModel model, int contextLength, KvCacheFormat format) : IDisposable
{
    public int ContextLength => contextLength;

    private int[] _previousPrompt = [];

    public TrackedSequence? Active { get; private set; }

    public TrackedSequence? Checkpoint { get; private set; }

    /// <summary>
    /// Makes <see cref="Active"/> hold the longest reusable prefix of <paramref name="prompt"/> (never all of it: the
    /// last prompt token is always computed, for its logits) and returns that prefix's length.
    /// </summary>
    public int Prepare(ReadOnlySpan<int> prompt)
    {
        if (prompt.IsEmpty) throw new ArgumentException("the prompt has no tokens", nameof(prompt));
        int limit = prompt.Length - 1;
        int fromActive = Active == null ? -1 : Reachable(Active, prompt, limit);
        int fromCheckpoint = Checkpoint == null ? -1 : Reachable(Checkpoint, prompt, limit);
        if (fromCheckpoint > Math.Max(fromActive, 0))
        {
            Active?.Dispose();
            Active = null;
            Active = Checkpoint!.Fork();
            Active.TruncateTo(fromCheckpoint);
            return fromCheckpoint;
        }
        Active ??= new TrackedSequence(model.CreateSequence(contextLength, format));
        int reuse = Math.Max(0, fromActive);
        Active.TruncateTo(reuse);
        return reuse;
    }

    /// <summary>
    /// Where a checkpoint is worth taking while prefilling <paramref name="prompt"/>: the end of the shared head when
    /// the caller knows it, else where this prompt stops agreeing with the previous one; 0 when none is worth it.
    /// </summary>
    public int CheckpointPosition(ReadOnlySpan<int> prompt, int? sharedHead, int reused)
    {
        int at = sharedHead ?? CommonPrefix(_previousPrompt, prompt);
        at = Math.Min(at, prompt.Length - 1);
        if (at <= reused) return 0;
        if (Checkpoint != null && Checkpoint.Length == at && CommonPrefix(Checkpoint.Tokens, prompt) >= at) return 0;
        return at;
    }

    /// <summary>Forks the active sequence as the new checkpoint.</summary>
    public void TakeCheckpoint()
    {
        var fork = Active!.Fork();
        Checkpoint?.Dispose();
        Checkpoint = fork;
    }

    public void RememberPrompt(ReadOnlySpan<int> prompt) => _previousPrompt = prompt.ToArray();

    /// <summary>After a failure that may have left the active sequence inconsistent.</summary>
    public void DiscardActive()
    {
        Active?.Dispose();
        Active = null;
    }

    /// <summary>Empties the cache: both sequences are released.</summary>
    public void Clear()
    {
        Active?.Dispose();
        Checkpoint?.Dispose();
        Active = null;
        Checkpoint = null;
        _previousPrompt = [];
    }

    public void Dispose() => Clear();

    private static int Reachable(TrackedSequence sequence, ReadOnlySpan<int> prompt, int limit)
    {
        for (int length = Math.Min(CommonPrefix(sequence.Tokens, prompt), limit); length > 0; length--)
        {
            if (sequence.CanTruncateTo(length)) return length;
        }
        return 0;
    }

    internal static int CommonPrefix(IReadOnlyList<int> a, ReadOnlySpan<int> b)
    {
        int n = Math.Min(a.Count, b.Length), i = 0;
        while (i < n && a[i] == b[i]) i++;
        return i;
    }
}
