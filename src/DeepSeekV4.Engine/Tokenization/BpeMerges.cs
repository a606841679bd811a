using System.Runtime.CompilerServices;
using System.Buffers;

namespace DeepSeekV4.Engine.Tokenization;

/// <summary>
/// The merge table of a byte-level BPE vocabulary and the merge loop over one pre-token. The loop keeps the symbols
/// in a linked list and the candidate pairs in a min-heap ordered by (rank, position), so a pre-token of n bytes
/// costs O(n log n): the lowest-ranked pair merges first, the leftmost one among equals.
/// </summary>
internal sealed class BpeMerges
{
    private const int StackSymbols = 128;

    // (left id, right id) → (rank, merged id), both packed in a long.
    private readonly Dictionary<long, long> _pairs;
    private readonly int[] _byteTokens;

    public int Count => _pairs.Count;

    public int ByteToken(byte b) => _byteTokens[b];

    /// <param name="byteTokens">The token id of each of the 256 bytes.</param>
    /// <param name="merges">In rank order: (left id, right id, merged id).</param>
    public BpeMerges(int[] byteTokens, IReadOnlyList<(int Left, int Right, int Merged)> merges)
    {
        _byteTokens = byteTokens;
        _pairs = new Dictionary<long, long>(merges.Count, PairKeyComparer.Instance);
        for (int rank = 0; rank < merges.Count; rank++)
        {
            var (left, right, merged) = merges[rank];
            _pairs.TryAdd(Key(left, right), ((long)rank << 32) | (uint)merged);
        }
    }

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    private bool TryGetMerge(int left, int right, out int rank, out int merged)
    {
        if (_pairs.TryGetValue(Key(left, right), out long packed))
        {
            rank = (int)(packed >> 32);
            merged = (int)packed;
            return true;
        }
        rank = merged = 0;
        return false;
    }

    // Compiled fully optimised at once: its stackalloc rules out on-stack replacement, so under tiering a long merge
    // would run unoptimised until the method had been called often enough.
    /// <summary>Appends the tokens of one pre-token given as UTF-8 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Encode(ReadOnlySpan<byte> bytes, List<int> output)
    {
        int n = bytes.Length;
        if (n == 0) return;
        if (n == 1)
        {
            output.Add(_byteTokens[bytes[0]]);
            return;
        }

        int[]? rentedInts = null;
        long[]? rentedHeap = null;
        // Symbols: ids, next, prev; heap entries: each merge pushes at most two, so 3n bounds them.
        Span<int> ints = n <= StackSymbols ? stackalloc int[3 * StackSymbols] : (rentedInts = ArrayPool<int>.Shared.Rent(3 * n));
        Span<long> heapStore = n <= StackSymbols ? stackalloc long[3 * StackSymbols] : (rentedHeap = ArrayPool<long>.Shared.Rent(3 * n));
        try
        {
            var ids = ints[..n];
            var next = ints.Slice(n, n);
            var prev = ints.Slice(2 * n, n);
            var heap = new PairHeap(heapStore);
            for (int i = 0; i < n; i++)
            {
                ids[i] = _byteTokens[bytes[i]];
                next[i] = i + 1 < n ? i + 1 : -1;
                prev[i] = i - 1;
            }
            for (int i = 0; i + 1 < n; i++)
                if (TryGetMerge(ids[i], ids[i + 1], out int rank, out _))
                    heap.Push(rank, i);

            while (heap.TryPop(out int rank, out int pos))
            {
                int right = next[pos];
                // Stale entries: the symbol was absorbed (ids = -1), or one side changed since the push.
                if (ids[pos] < 0 || right < 0 || !TryGetMerge(ids[pos], ids[right], out int currentRank, out int merged) || currentRank != rank)
                    continue;
                ids[pos] = merged;
                ids[right] = -1;
                int after = next[right];
                next[pos] = after;
                if (after >= 0) prev[after] = pos;
                int before = prev[pos];
                if (before >= 0 && TryGetMerge(ids[before], merged, out int r1, out _)) heap.Push(r1, before);
                if (after >= 0 && TryGetMerge(merged, ids[after], out int r2, out _)) heap.Push(r2, pos);
            }
            for (int i = 0; i >= 0; i = next[i]) output.Add(ids[i]);
        }
        finally
        {
            if (rentedInts != null) ArrayPool<int>.Shared.Return(rentedInts);
            if (rentedHeap != null) ArrayPool<long>.Shared.Return(rentedHeap);
        }
    }

    // long.GetHashCode folds the halves together (left ^ right), which piles the merge table into a few buckets.
    private sealed class PairKeyComparer : IEqualityComparer<long>
    {
        public static readonly PairKeyComparer Instance = new();
        public bool Equals(long x, long y) => x == y;
        public int GetHashCode(long key) => (int)((ulong)(key * unchecked((long)0x9E3779B97F4A7C15)) >> 32);
    }

    /// <summary>A binary min-heap of (rank, position) packed in longs, over caller-provided storage.</summary>
    private ref struct PairHeap(Span<long> items)
    {
        private readonly Span<long> _items = items;
        private int _count;

        public void Push(int rank, int position)
        {
            long item = ((long)rank << 32) | (uint)position;
            int i = _count++;
            while (i > 0)
            {
                int parent = (i - 1) >> 1;
                if (_items[parent] <= item) break;
                _items[i] = _items[parent];
                i = parent;
            }
            _items[i] = item;
        }

        public bool TryPop(out int rank, out int position)
        {
            if (_count == 0)
            {
                rank = position = 0;
                return false;
            }
            long top = _items[0];
            long last = _items[--_count];
            int i = 0;
            while (true)
            {
                int child = 2 * i + 1;
                if (child >= _count) break;
                if (child + 1 < _count && _items[child + 1] < _items[child]) child++;
                if (_items[child] >= last) break;
                _items[i] = _items[child];
                i = child;
            }
            if (_count > 0) _items[i] = last;
            rank = (int)(top >> 32);
            position = (int)top;
            return true;
        }
    }
}
