using DeepSeekV4.Engine.KvCache;
using ILGPU;
using ILGPU.Runtime;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// One layer's KV cache on the device, in the cache's row formats (the same bytes the CPU cache holds): the window
/// ring, and for compressed layers the entries, the compressor state ring, and (CSA) the indexer keys and the indexer
/// compressor's state. Allocated whole at creation (a sequence's full context, as the memory estimate counts it).
/// The counts are the host's: every kernel is told which rows to read.
/// </summary>
internal sealed class GpuLayerCache : IDisposable
{
    private readonly GpuAccelerator _gpu;
    private readonly List<MemoryBuffer1D<byte, Stride1D.Dense>> _owned = [];
    private readonly List<ArrayView<byte>> _rings = [];
    private readonly List<ArrayView<byte>> _views = [];

    public GpuLayerCache(GpuAccelerator gpu, int layer, KvCacheGeometry g, int contextLength, GpuKvRow kv, GpuKvRow? indexer)
    {
        _gpu = gpu;
        Layer = layer;
        Ratio = g.CompressRatios[layer];
        WindowRingRows = g.WindowRingRows;
        Window = g.Window;
        gpu.Run(a =>
        {
            WindowRing = Ring(Bytes(a, (long)WindowRingRows * kv.RowBytes));
            if (Ratio == 0) return;
            MaxEntries = Math.Max(1, contextLength / Ratio);
            CompressorRingRows = g.CompressorRingRows(Ratio);
            Entries = Bytes(a, (long)MaxEntries * kv.RowBytes);
            int width = KvCacheGeometry.CompressorWidth(Ratio, g.HeadDim);
            StateValues = Ring(Bytes(a, (long)CompressorRingRows * width * sizeof(float))).Cast<float>();
            StateLogits = Ring(Bytes(a, (long)CompressorRingRows * width * sizeof(float))).Cast<float>();
            if (Ratio != 4 || indexer is null) return;
            int indexerWidth = KvCacheGeometry.CompressorWidth(Ratio, g.IndexerHeadDim);
            IndexerKeys = Bytes(a, (long)MaxEntries * indexer.RowBytes);
            IndexerStateValues = Ring(Bytes(a, (long)CompressorRingRows * indexerWidth * sizeof(float))).Cast<float>();
            IndexerStateLogits = Ring(Bytes(a, (long)CompressorRingRows * indexerWidth * sizeof(float))).Cast<float>();
        });
    }

    public int Layer { get; }
    public int Ratio { get; }
    public int Window { get; }
    public int WindowRingRows { get; }
    public int CompressorRingRows { get; private set; }
    public int MaxEntries { get; private set; }
    public ArrayView<byte> WindowRing { get; private set; }
    public ArrayView<byte> Entries { get; private set; }
    public ArrayView<float> StateValues { get; private set; }
    public ArrayView<float> StateLogits { get; private set; }
    public ArrayView<byte> IndexerKeys { get; private set; }
    public ArrayView<float> IndexerStateValues { get; private set; }
    public ArrayView<float> IndexerStateLogits { get; private set; }

    /// <summary>Compressed entries (and indexer keys) held.</summary>
    public int EntryCount { get; set; }

    public long ReservedBytes => _owned.Sum(b => b.LengthInBytes);

    /// <summary>Bytes of the compressor state rings (both compressors).</summary>
    public long CompressorStateBytes => Ratio == 0 ? 0 : StateValues.LengthInBytes + StateLogits.LengthInBytes + IndexerStateValues.LengthInBytes + IndexerStateLogits.LengthInBytes;

    /// <summary>The rings (window and compressor states), which a pass overwrites in place, as bytes.</summary>
    public IReadOnlyList<ArrayView<byte>> Rings => _rings;

    /// <summary>Every buffer in allocation order (caches of one shape copy buffer by buffer).</summary>
    public IReadOnlyList<ArrayView<byte>> AllBytes => _views;

    private ArrayView<byte> Bytes(Accelerator a, long length)
    {
        var buffer = a.Allocate1D<byte>(Math.Max(1, length));
        _owned.Add(buffer);
        ArrayView<byte> view = buffer.View.SubView(0, length);
        _views.Add(view);
        return view;
    }

    private ArrayView<byte> Ring(ArrayView<byte> bytes)
    {
        _rings.Add(bytes);
        return bytes;
    }

    public void Dispose()
    {
        _gpu.Run(_ =>
        {
            foreach (var b in _owned) b.Dispose();
        });
        _owned.Clear();
    }
}
