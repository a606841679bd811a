using System.Collections.Concurrent;

namespace DeepSeekV4.Engine.Tokenization;

/// <summary>
/// Token ids of pre-tokens already merged, looked up by span without allocating. Natural text repeats a small set of
/// words, so most pre-tokens skip the merge loop. Bounded: once full it stops taking new entries. Thread-safe.
/// </summary>
internal sealed class PreTokenCache
{
    public const int MaxPieceLength = 64;
    private readonly ConcurrentDictionary<string, int[]> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _capacity;
    private int _count;

    public PreTokenCache(int capacity)
    {
        _capacity = capacity;
        _lookup = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public bool TryGet(ReadOnlySpan<char> piece, out int[] ids) => _lookup.TryGetValue(piece, out ids!);

    public void Add(ReadOnlySpan<char> piece, ReadOnlySpan<int> ids)
    {
        if (piece.Length > MaxPieceLength || Volatile.Read(ref _count) >= _capacity) return;
        if (_lookup.TryAdd(piece, ids.ToArray())) Interlocked.Increment(ref _count);
    }
}
