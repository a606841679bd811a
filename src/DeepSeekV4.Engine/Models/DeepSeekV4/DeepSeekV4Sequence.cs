using System.Runtime.CompilerServices;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Tensors;

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
    private SequenceKvCache? _cache;
    private ForwardWorkspace? _workspace;
    private bool _disposed;

    internal DeepSeekV4Sequence(DeepSeekV4Model model, SequenceKvCache cache)
    {
        _model = model;
        _cache = cache;
        _contextLength = cache.ContextLength;
        _format = cache.Format;
    }

    public DeepSeekV4Model Model => _model;
    public SequenceKvCache Cache => _cache ?? throw new ObjectDisposedException(nameof(DeepSeekV4Sequence));
    /// <summary>Tokens held (0 once disposed).</summary>
    public int Length => _cache?.Length ?? 0;
    public int ContextLength => _contextLength;
    public KvCacheFormat Format => _format;

    /// <summary>Optional taps into the forward pass (tests, debugging); null costs nothing.</summary>
    public IForwardObserver? Observer { get; set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<int> tokens, Span<float> logits, bool allLogits = false,
        CancellationToken cancellationToken = default, Action<int, int>? progress = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var cache = _cache!;
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

        int passTokens = Math.Min(n, Math.Min(_model.Options.MaxBatchTokens, ContextLength));
        if (_workspace is null || _workspace.Capacity < passTokens) _workspace = new ForwardWorkspace(config, passTokens, ContextLength, _model.Options.Numerics == DeepSeekV4Numerics.Reference);
        var ws = _workspace;
        int start = Length;
        cache.BeginPass(n);
        try
        {
            for (int done = 0; done < n;)
            {
                int count = Math.Min(ws.Capacity, n - done);
                bool last = done + count == n;
                var target = allLogits ? logits.Slice(done * vocab, count * vocab) : last ? logits[..vocab] : default;
                RunPass(ws, tokens.Slice(done, count), start + done, target, allLogits, cancellationToken);
                done += count;
                progress?.Invoke(done, n);
            }
            cache.CommitPass();
        }
        catch
        {
            cache.AbortPass();
            throw;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunPass(ForwardWorkspace ws, ReadOnlySpan<int> tokens, int firstPosition, Span<float> logits, bool allRows, CancellationToken cancellationToken)
    {
        var c = _model.Config;
        var weights = _model.Weights;
        int t = tokens.Length, d = c.HiddenSize, hc = c.HyperConnectionCount, width = hc * d, half = c.RopeDim / 2;

        for (int i = 0; i < t; i++)
        {
            var streams = ws.Streams.AsSpan(i * width, width);
            weights.TokenEmbedding.DequantizeRow(tokens[i], streams[..d]);
            for (int h = 1; h < hc; h++) streams[..d].CopyTo(streams.Slice(h * d, d));
            _model.WindowRotary.Angles(firstPosition + i, ws.WindowCos.AsSpan(i * half, half), ws.WindowSin.AsSpan(i * half, half));
            _model.CompressedRotary.Angles(firstPosition + i, ws.CompressedCos.AsSpan(i * half, half), ws.CompressedSin.AsSpan(i * half, half));
        }

        for (int layer = 0; layer < c.LayerCount; layer++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var lw = weights.Layers[layer];
            Reduce(ws, lw.AttentionMixer, lw.AttentionNorm, t);
            AttentionLayer.Forward(_model, lw.Attention, layer, _cache!, ws, t, firstPosition, Observer);
            Expand(ws, t);
            Reduce(ws, lw.FeedForwardMixer, lw.FeedForwardNorm, t);
            ws.Moe.Forward(lw.Moe, ws.Hidden, tokens, t, ws.SublayerOutput);
            Expand(ws, t);
            if (Observer is { } observer)
                for (int i = 0; i < t; i++) observer.OnBlockOutput(layer, firstPosition + i, ws.Streams.AsSpan(i * width, width));
        }

        if (allRows) Head(ws, 0, t, logits);
        else if (!logits.IsEmpty) Head(ws, t - 1, 1, logits);
    }

    // The sublayer input of every token: mixes → (pre, post, comb), Σ pre·streams, RMS norm. post/comb kept for Expand.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Reduce(ForwardWorkspace ws, HyperConnectionWeights mixer, float[] norm, int tokens)
    {
        var c = _model.Config;
        int d = c.HiddenSize, hc = c.HyperConnectionCount, width = hc * d, mix = c.HyperConnectionMixCount;
        HyperConnection.Mixes(mixer.Function, ws.Streams, tokens, c.RmsNormEps, ws.Mixes);
        for (int i = 0; i < tokens; i++)
        {
            var pre = ws.Pre.AsSpan(i * hc, hc);
            HyperConnection.Split(ws.Mixes.AsSpan(i * mix, mix), mixer, hc, c.SinkhornIterations, c.HyperConnectionEps,
                pre, ws.Post.AsSpan(i * hc, hc), ws.Comb.AsSpan(i * hc * hc, hc * hc));
            var hidden = ws.Hidden.AsSpan(i * d, d);
            HyperConnection.Reduce(ws.Streams.AsSpan(i * width, width), pre, hc, hidden);
            RmsNorm.Apply(hidden, norm, c.RmsNormEps);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Expand(ForwardWorkspace ws, int tokens)
    {
        var c = _model.Config;
        int d = c.HiddenSize, hc = c.HyperConnectionCount, width = hc * d;
        for (int i = 0; i < tokens; i++)
            HyperConnection.Expand(ws.SublayerOutput.AsSpan(i * d, d), ws.Streams.AsSpan(i * width, width),
                ws.Post.AsSpan(i * hc, hc), ws.Comb.AsSpan(i * hc * hc, hc * hc), hc, ws.NextStreams.AsSpan(i * width, width));
        ws.SwapStreams();
    }

    // Output head (reference §5.9) for rows [first, first + count): pre-only mixer, RMS norm, vocabulary projection.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Head(ForwardWorkspace ws, int first, int count, Span<float> logits)
    {
        var c = _model.Config;
        var w = _model.Weights;
        int d = c.HiddenSize, hc = c.HyperConnectionCount, width = hc * d;
        var streams = ws.Streams.AsSpan(first * width, count * width);
        HyperConnection.Mixes(w.OutputMixer.Function, streams, count, c.RmsNormEps, ws.HeadMixes);
        for (int i = 0; i < count; i++)
        {
            var pre = ws.Pre.AsSpan(i * hc, hc);
            for (int h = 0; h < hc; h++)
                pre[h] = HyperConnection.Sigmoid(ws.HeadMixes[i * hc + h] * w.OutputMixer.Scale[0] + w.OutputMixer.Base[h]) + c.HyperConnectionEps;
            var hidden = ws.Hidden.AsSpan(i * d, d);
            HyperConnection.Reduce(streams.Slice(i * width, width), pre, hc, hidden);
            RmsNorm.Apply(hidden, w.OutputNorm, c.RmsNormEps);
        }
        MatrixProducts.MatMul(w.Output, ws.Hidden.AsSpan(0, count * d), count, logits[..(count * c.VocabSize)],
            exact: _model.Options.Numerics == DeepSeekV4Numerics.Reference);
    }

    public void Reset()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _cache!.Reset();
    }

    public bool CanTruncateTo(int length) => _cache?.CanTruncateTo(length) ?? false;

    public void TruncateTo(int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _cache!.TruncateTo(length);
    }

    /// <summary>A deep copy: the new sequence shares nothing mutable with this one.</summary>
    public DeepSeekV4Sequence Fork()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new DeepSeekV4Sequence(_model, _cache!.Clone());
    }

    IModelSequence IModelSequence.Fork() => Fork();

    public KvCacheStatistics GetStatistics()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _cache!.GetStatistics();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _workspace = null;
        _cache = null;
    }
}
