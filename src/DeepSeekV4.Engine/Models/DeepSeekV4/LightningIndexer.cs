using DeepSeekV4.Engine.Tensors.Kernels;
using System.Runtime.CompilerServices;
using DeepSeekV4.Engine.Compute;
using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>
/// The lightning indexer's selection for one query token (reference §5.7): score(j) = Σ_h w_h · ReLU(q_h · K_j)
/// over the compressed indexer keys visible to the token, then the top-k entries (all of them when fewer).
/// Queries and keys arrive already rotated, Hadamard-transformed and FP4-simulated. Long contexts are scored in chunks of
/// entries over the worker pool (each score is computed the same way on any thread).
/// </summary>
public sealed class LightningIndexer : IChunkedWork
{
    private const int EntriesPerChunk = 128;
    /// <summary>Scoring with fewer multiply-adds than this runs on the calling thread.</summary>
    private const int ParallelThreshold = 1 << 20;

    private readonly int _heads;
    private readonly int _dim;
    private float[] _scores;
    private int[] _selected;
    private ReadOnlyMemory<float> _q;
    private ReadOnlyMemory<float> _weights;
    private KvRowPages? _keys;
    private KvRowCodec? _codec;
    [ThreadStatic] private static float[]? _key;

    /// <param name="maxEntries">Entries the context can hold (scores are sized for it, so selection never allocates).</param>
    public LightningIndexer(int heads, int dim, int maxEntries, int topK)
    {
        _heads = heads;
        _dim = dim;
        _scores = new float[Math.Max(1, maxEntries)];
        _selected = new int[Math.Max(1, Math.Min(topK, maxEntries))];
    }

    /// <summary>The scores of the last <see cref="Select"/> call (one per visible entry).</summary>
    public ReadOnlySpan<float> Scores => _scores.AsSpan(0, _count);

    private int _count;

    /// <summary>Scores entries 0..count−1 and returns the indices of the top <paramref name="topK"/> (unordered).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<int> Select(ReadOnlyMemory<float> q, ReadOnlyMemory<float> weights, KvRowPages keys, KvRowCodec codec, int count, int topK)
    {
        _count = count;
        if (_scores.Length < count) _scores = new float[Math.Max(count, 2 * _scores.Length)];
        (_q, _weights, _keys, _codec) = (q, weights, keys, codec);
        int chunks = (count + EntriesPerChunk - 1) / EntriesPerChunk;
        if ((long)count * _heads * _dim < ParallelThreshold) for (int i = 0; i < chunks; i++) Execute(i);
        else WorkerPool.Default.Run(this, chunks);
        (_q, _weights, _keys, _codec) = (default, default, null, null);
        int k = Math.Min(topK, count);
        if (_selected.Length < k) _selected = new int[Math.Max(k, 2 * _selected.Length)];
        var selected = _selected.AsSpan(0, k);
        if (k == count)
        {
            for (int j = 0; j < count; j++) selected[j] = j;
            return selected;
        }
        TopK(_scores.AsSpan(0, count), selected);
        return selected;
    }

    /// <summary>Scores entries [chunk · EntriesPerChunk, …).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int chunk)
    {
        var key = (_key is { } buffer && buffer.Length >= _dim ? buffer : _key = new float[_dim]).AsSpan(0, _dim);
        var q = _q.Span;
        var weights = _weights.Span;
        int end = Math.Min(_count, (chunk + 1) * EntriesPerChunk);
        for (int j = chunk * EntriesPerChunk; j < end; j++)
        {
            _codec!.Decode(_keys!.Row(j), key);
            float score = 0;
            for (int h = 0; h < _heads; h++)
            {
                float dot = Reductions.Dot(q.Slice(h * _dim, _dim), key);
                if (dot > 0) score += dot * weights[h];
            }
            _scores[j] = score;
        }
    }

    // A min-heap of the k best (score, index) pairs; ties keep the lower index.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TopK(ReadOnlySpan<float> scores, Span<int> heap)
    {
        int k = heap.Length;
        for (int j = 0; j < k; j++)
        {
            heap[j] = j;
            SiftUp(scores, heap, j);
        }
        for (int j = k; j < scores.Length; j++)
        {
            if (!Better(scores, j, heap[0])) continue;
            heap[0] = j;
            SiftDown(scores, heap, 0);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Better(ReadOnlySpan<float> s, int a, int b) => s[a] > s[b] || (s[a] == s[b] && a < b);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SiftUp(ReadOnlySpan<float> s, Span<int> heap, int i)
    {
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            if (!Better(s, heap[parent], heap[i])) break;
            (heap[parent], heap[i]) = (heap[i], heap[parent]);
            i = parent;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SiftDown(ReadOnlySpan<float> s, Span<int> heap, int i)
    {
        int n = heap.Length;
        while (true)
        {
            int smallest = i, l = 2 * i + 1, r = l + 1;
            if (l < n && Better(s, heap[smallest], heap[l])) smallest = l;
            if (r < n && Better(s, heap[smallest], heap[r])) smallest = r;
            if (smallest == i) return;
            (heap[smallest], heap[i]) = (heap[i], heap[smallest]);
            i = smallest;
        }
    }
}
