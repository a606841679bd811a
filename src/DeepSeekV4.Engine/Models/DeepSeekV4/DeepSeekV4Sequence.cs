using System.Runtime.CompilerServices;
using DeepSeekV4.Engine.Compute;
using DeepSeekV4.Engine.Compute.Cpu;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>
/// One token stream of a <see cref="DeepSeekV4Model"/> with its KV cache. Not thread-safe: one caller at a time.
/// </summary>
/// <remarks>
/// <para>Forward runs the input in passes of up to <see cref="DeepSeekV4ModelOptions.MaxBatchTokens"/> tokens, one
/// layer after another (reference §5). Cancellation is checked before every layer; a cancelled or failed call
/// leaves the sequence exactly as before it (short passes are undone by truncation, longer ones from rings saved at
/// the start of the call).</para>
/// <para>Truncation (<see cref="CanTruncateTo"/>): possible to 0, to the current length, and back by up to
/// <see cref="DeepSeekV4ModelOptions.TruncationSlack"/> tokens — precisely, when every layer still holds the window
/// rows the next token would attend to and its compressors' rows of the current partial block (ratio 4: and of the
/// block before it); see <see cref="SequenceKvCache"/>.</para>
/// </remarks>
public sealed class DeepSeekV4Sequence : IModelSequence
{
    private readonly DeepSeekV4Model _model;
    private readonly int _contextLength;
    private readonly KvCacheFormat _format;
    private ISequenceCompute? _compute;
    private bool _disposed;

    internal DeepSeekV4Sequence(DeepSeekV4Model model, ISequenceCompute compute, int contextLength, KvCacheFormat format)
    {
        _model = model;
        _compute = compute;
        _contextLength = contextLength;
        _format = format;
    }

    public DeepSeekV4Model Model => _model;

    /// <summary>The KV cache of a sequence on the CPU backend (a GPU backend keeps its cache on the device).</summary>
    public SequenceKvCache Cache => _compute switch
    {
        null => throw new ObjectDisposedException(nameof(DeepSeekV4Sequence)),
        CpuSequenceCompute cpu => cpu.Cache,
        _ => throw new NotSupportedException($"the sequence's cache lives on {_model.Compute.Device}; use GetStatistics"),
    };

    /// <summary>Where the sequence's cache and activations live ("cpu", "cuda:0", …).</summary>
    public string Device => _model.Compute.Device;

    /// <summary>Tokens held (0 once disposed).</summary>
    public int Length => _compute?.Length ?? 0;
    public int ContextLength => _contextLength;
    public KvCacheFormat Format => _format;

    /// <summary>Optional taps into the forward pass (tests, debugging); null costs nothing.</summary>
    public IForwardObserver? Observer { get; set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<int> tokens, Span<float> logits, bool allLogits = false,
        CancellationToken cancellationToken = default, Action<int, int>? progress = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var compute = _compute!;
        var config = _model.Config;
        int n = tokens.Length, vocab = config.VocabSize;
        if (n == 0) throw new ArgumentException("no tokens to feed", nameof(tokens));
        if ((long)Length + n > ContextLength) throw new ContextOverflowException(Length + n, ContextLength, null);
        for (int i = 0; i < n; i++)
            if ((uint)tokens[i] >= (uint)vocab)
                throw new ArgumentException($"token {i} ({tokens[i]}) is not in the vocabulary 0..{vocab - 1}");
        long needed = allLogits ? (long)n * vocab : vocab;
        if (logits.Length < needed)
            throw new ArgumentException($"the logits buffer holds {logits.Length} values, {needed} needed", nameof(logits));
        cancellationToken.ThrowIfCancellationRequested();

        int start = Length;
        compute.BeginPass(n);
        try
        {
            for (int done = 0; done < n;)
            {
                int count = Math.Min(compute.PassCapacity, n - done);
                bool last = done + count == n;
                var target = allLogits ? logits.Slice(done * vocab, count * vocab) : last ? logits[..vocab] : default;
                RunPass(tokens.Slice(done, count), start + done, target, allLogits, cancellationToken);
                done += count;
                progress?.Invoke(done, n);
            }
            compute.CommitPass();
        }
        catch
        {
            compute.AbortPass();
            throw;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunPass(ReadOnlySpan<int> tokens, int firstPosition, Span<float> logits, bool allRows, CancellationToken cancellationToken)
    {
        var compute = _compute!;
        var layers = _model.Weights.Layers;
        int t = tokens.Length;
        compute.Embed(tokens, firstPosition);
        for (int layer = 0; layer < layers.Count; layer++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var lw = layers[layer];
            compute.ReduceStreams(lw.AttentionMixer, lw.AttentionNorm, t);
            compute.Attention(layer, t, firstPosition, Observer);
            compute.ExpandStreams(t);
            compute.ReduceStreams(lw.FeedForwardMixer, lw.FeedForwardNorm, t);
            compute.FeedForward(layer, tokens);
            compute.ExpandStreams(t);
            if (Observer is { } observer) compute.ObserveBlock(layer, t, firstPosition, observer);
        }

        if (allRows) compute.Head(0, t, logits);
        else if (!logits.IsEmpty) compute.Head(t - 1, 1, logits);
    }

    public void Reset()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _compute!.Reset();
    }

    public bool CanTruncateTo(int length) => _compute?.CanTruncateTo(length) ?? false;

    public void TruncateTo(int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _compute!.TruncateTo(length);
    }

    /// <summary>A deep copy: the new sequence shares nothing mutable with this one.</summary>
    public DeepSeekV4Sequence Fork()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new DeepSeekV4Sequence(_model, _compute!.Fork(), _contextLength, _format);
    }

    IModelSequence IModelSequence.Fork() => Fork();

    public KvCacheStatistics GetStatistics()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _compute!.GetStatistics();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _compute?.Dispose();
        _compute = null;
    }
}
