using System.Runtime.CompilerServices;

namespace DeepSeekV4.Engine.KvCache;

/// <summary>
/// A sequence's whole KV cache: one <see cref="LayerKvCache"/> per layer, all in one <see cref="KvCacheFormat"/>.
/// Memory is taken as the sequence grows: the rings on first use, compressed entries page by page.
/// </summary>
/// <remarks>
/// Truncation: the cache can be cut back from L to n tokens when every layer still holds the window rows of
/// positions [n − W + 1, n) and its compressors' rows from the start of n's block (ratio 4: of the block before it)
/// up to n. The rings keep W + slack window rows and (8 or 128) + slack compressor rows, so cutting back by up to
/// about <see cref="KvCacheGeometry.TruncationSlack"/> tokens always works, and n = 0 always does.
/// </remarks>
public sealed class SequenceKvCache
{
    private readonly LayerKvCache[] _layers;

    public SequenceKvCache(KvCacheGeometry geometry, KvCacheFormat format, int contextLength)
    {
        if (contextLength <= 0) throw new ArgumentOutOfRangeException(nameof(contextLength), contextLength, "must be positive");
        Geometry = geometry;
        Format = format;
        ContextLength = contextLength;
        KvCodec = KvRowCodec.ForKv(format, geometry.HeadDim, geometry.RopeDim);
        bool anyCsa = geometry.CompressRatios.Contains(4);
        IndexerCodec = anyCsa ? KvRowCodec.ForIndexerKey(format, geometry.IndexerHeadDim) : null;
        _layers = new LayerKvCache[geometry.LayerCount];
        for (int l = 0; l < _layers.Length; l++) _layers[l] = new LayerKvCache(l, geometry, contextLength, KvCodec, IndexerCodec);
    }

    private SequenceKvCache(SequenceKvCache source)
    {
        Geometry = source.Geometry;
        Format = source.Format;
        ContextLength = source.ContextLength;
        KvCodec = source.KvCodec;
        IndexerCodec = source.IndexerCodec;
        Length = source.Length;
        _layers = new LayerKvCache[source._layers.Length];
        for (int l = 0; l < _layers.Length; l++) _layers[l] = source._layers[l].Clone();
    }

    public KvCacheGeometry Geometry { get; }
    public KvCacheFormat Format { get; }
    public int ContextLength { get; }
    public KvRowCodec KvCodec { get; }
    public KvRowCodec? IndexerCodec { get; }
    public IReadOnlyList<LayerKvCache> Layers => _layers;
    public LayerKvCache this[int layer] => _layers[layer];

    /// <summary>Tokens every layer has processed.</summary>
    public int Length { get; private set; }

    public bool CanTruncateTo(int length)
    {
        if (length < 0 || length > Length) return false;
        foreach (var layer in _layers)
            if (!layer.CanTruncateTo(length)) return false;
        return true;
    }

    public void TruncateTo(int length)
    {
        if (length < 0 || length > Length)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"the sequence holds {Length} tokens");
        if (!CanTruncateTo(length))
            throw new InvalidOperationException(
                $"cannot cut the sequence back from {Length} to {length} tokens: the window and compressor rings keep only " +
                $"{Geometry.TruncationSlack} tokens of slack (fork the sequence at the point you want to return to instead)");
        foreach (var layer in _layers) layer.TruncateTo(length);
        Length = length;
    }

    public void Reset()
    {
        foreach (var layer in _layers) layer.TruncateTo(0);
        Length = 0;
    }

    /// <summary>
    /// Prepares a pass of <paramref name="tokens"/> tokens: when cutting back afterwards would not be possible (the
    /// pass overwrites ring rows the current state needs), the rings are saved so <see cref="AbortPass"/> can undo it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void BeginPass(int tokens)
    {
        if (NeedsSavedRings(tokens))
            foreach (var layer in _layers) layer.SaveRings();
        _passTokens = tokens;
        _passStart = Length;
    }

    // A pass of up to slack + 1 tokens leaves every ring row the previous length needs, so it is undone by truncation.
    private bool NeedsSavedRings(int tokens) => tokens > Geometry.TruncationSlack + 1;

    private int _passTokens;
    private int _passStart;

    /// <summary>Every layer has processed the pass: the sequence is <paramref name="tokens"/> longer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void CommitPass()
    {
        Length = _passStart + _passTokens;
        foreach (var layer in _layers)
            if (layer.Length != Length) throw new InvalidOperationException($"layer {layer.Layer} holds {layer.Length} tokens, expected {Length}");
    }

    /// <summary>Undoes a pass that did not complete: every layer goes back to the length before it.</summary>
    public void AbortPass()
    {
        bool saved = NeedsSavedRings(_passTokens);
        foreach (var layer in _layers)
        {
            if (layer.Length == _passStart) continue;
            if (saved) layer.RestoreRings();
            else layer.TruncateTo(_passStart);
        }
        Length = _passStart;
    }

    public SequenceKvCache Clone() => new(this);

    public long ReservedBytes
    {
        get
        {
            long total = 0;
            foreach (var layer in _layers) total += layer.ReservedBytes;
            return total;
        }
    }

    /// <summary>What the cache holds now, counted from each layer's rings and pages (not from the token count).</summary>
    public KvCacheStatistics GetStatistics() =>
        KvCacheSizing.Summarize(Geometry, Format, Length, ContextLength, [.. _layers.Select(l => l.GetStatistics())], ReservedBytes);
}
