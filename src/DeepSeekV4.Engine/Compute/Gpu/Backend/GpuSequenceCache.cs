using DeepSeekV4.Engine.KvCache;
using ILGPU;
using ILGPU.Runtime;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// A sequence's KV cache on the device: one <see cref="GpuLayerCache"/> per layer in the cache's formats, with the
/// CPU cache's rules for passes, truncation and forks (<see cref="SequenceKvCache"/>): a pass longer than the slack + 1
/// saves the rings first (device to device) so a failed pass can be undone; cutting back follows
/// <see cref="KvTruncation"/>; a fork copies every buffer on the device.
/// </summary>
internal sealed class GpuSequenceCache : IDisposable
{
    private readonly GpuAccelerator _gpu;
    private readonly GpuLayerCache[] _layers;
    private MemoryBuffer1D<byte, Stride1D.Dense>[]? _backup;
    private int _passStart;
    private int _passTokens;

    public GpuSequenceCache(GpuAccelerator gpu, KvCacheGeometry geometry, KvCacheFormat format, int contextLength)
    {
        _gpu = gpu;
        Geometry = geometry;
        Format = format;
        ContextLength = contextLength;
        KvRow = GpuKvRow.ForKv(format, geometry.HeadDim, geometry.RopeDim);
        IndexerRow = geometry.CompressRatios.Contains(4) ? GpuKvRow.ForIndexerKey(format, geometry.IndexerHeadDim) : null;
        _layers = new GpuLayerCache[geometry.LayerCount];
        try
        {
            for (int l = 0; l < _layers.Length; l++) _layers[l] = new GpuLayerCache(gpu, l, geometry, contextLength, KvRow, IndexerRow);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public KvCacheGeometry Geometry { get; }
    public KvCacheFormat Format { get; }
    public int ContextLength { get; }
    public GpuKvRow KvRow { get; }
    public GpuKvRow? IndexerRow { get; }
    public int Length { get; private set; }
    public GpuLayerCache this[int layer] => _layers[layer];

    /// <summary>Tokens one sub-batch may hold so that no ring row a token still reads is overwritten by a later token of it.</summary>
    public int SubBatchTokens => Geometry.TruncationSlack + 1;

    public bool CanTruncateTo(int length)
    {
        if (length < 0 || length > Length) return false;
        foreach (var layer in _layers)
            if (!KvTruncation.CanCutBack(Length, length, layer.Window, layer.WindowRingRows, layer.Ratio, layer.CompressorRingRows)) return false;
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
        CutTo(length);
    }

    public void Reset() => CutTo(0);

    private void CutTo(int length)
    {
        foreach (var layer in _layers)
            if (layer.Ratio > 0) layer.EntryCount = Math.Min(layer.EntryCount, length / layer.Ratio);
        Length = length;
    }

    public void BeginPass(int tokens)
    {
        _passStart = Length;
        _passTokens = tokens;
        if (!NeedsSavedRings(tokens)) return;
        var rings = _layers.SelectMany(l => l.Rings).ToList();
        _gpu.Run(a =>
        {
            if (_backup is null || _backup.Length != rings.Count)
            {
                DisposeBackup();
                _backup = [.. rings.Select(r => a.Allocate1D<byte>(Math.Max(1, r.Length)))];
            }
            for (int i = 0; i < rings.Count; i++)
                if (rings[i].Length > 0) rings[i].CopyTo(a.DefaultStream, Saved(i, rings[i].Length));
        });
    }

    private ArrayView<byte> Saved(int ring, long length) => _backup![ring].View.SubView(0, length);

    private bool NeedsSavedRings(int tokens) => tokens > Geometry.TruncationSlack + 1;

    /// <summary>Every layer has processed the pass.</summary>
    public void CommitPass() => Length = _passStart + _passTokens;

    public void AbortPass()
    {
        if (NeedsSavedRings(_passTokens) && _backup is not null)
        {
            var rings = _layers.SelectMany(l => l.Rings).ToList();
            _gpu.Run(a =>
            {
                for (int i = 0; i < rings.Count; i++)
                    if (rings[i].Length > 0) Saved(i, rings[i].Length).CopyTo(a.DefaultStream, rings[i]);
            });
        }
        CutTo(_passStart);
    }

    /// <summary>A deep copy on the same device.</summary>
    public GpuSequenceCache Clone()
    {
        var copy = new GpuSequenceCache(_gpu, Geometry, Format, ContextLength) { Length = Length };
        _gpu.Run(a =>
        {
            for (int l = 0; l < _layers.Length; l++)
            {
                copy._layers[l].EntryCount = _layers[l].EntryCount;
                foreach (var (from, to) in _layers[l].AllBytes.Zip(copy._layers[l].AllBytes))
                    if (from.Length > 0) from.CopyTo(a.DefaultStream, to);
            }
        });
        return copy;
    }

    public KvCacheStatistics GetStatistics()
    {
        var layers = new KvCacheLayerStatistics[_layers.Length];
        for (int l = 0; l < layers.Length; l++)
        {
            var layer = _layers[l];
            int windowRows = Math.Min(Length, layer.WindowRingRows);
            int entries = layer.Ratio > 0 ? layer.EntryCount : 0;
            layers[l] = new KvCacheLayerStatistics(l, layer.Ratio, windowRows, entries, (long)windowRows * KvRow.RowBytes,
                (long)entries * KvRow.RowBytes, layer.Ratio == 4 ? (long)entries * IndexerRow!.RowBytes : 0, layer.CompressorStateBytes);
        }
        long reserved = _layers.Sum(l => l.ReservedBytes);
        return KvCacheSizing.Summarize(Geometry, Format, Length, ContextLength, layers, reserved) with { Device = _gpu.Id };
    }

    private void DisposeBackup()
    {
        if (_backup is null) return;
        foreach (var b in _backup) b.Dispose();
        _backup = null;
    }

    public void Dispose()
    {
        _gpu.Run(_ => DisposeBackup());
        foreach (var layer in _layers) layer?.Dispose();
    }
}
