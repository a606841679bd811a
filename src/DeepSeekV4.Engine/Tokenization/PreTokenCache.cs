using System.Runtime.CompilerServices;

namespace DeepSeekV4.Engine.Tokenization;

/// <summary>
/// Token ids of pre-tokens already merged. Natural text repeats a small set of words, so most pre-tokens skip the
/// merge loop. A direct-mapped table: each pre-token has one slot (by hash) and a newer one displaces an older one,
/// which bounds the memory and keeps the frequent pre-tokens. Entries are immutable and published by a single
/// reference write, so readers need no lock. A collision only costs a merge, never a wrong answer.
/// </summary>
internal sealed class PreTokenCache
{
    public const int MaxPieceLength = 128;
    private readonly Entry?[] _slots;
    private readonly int _mask;

    private sealed class Entry(string key, int[] ids)
    {
        public readonly string Key = key;
        public readonly int[] Ids = ids;
    }

    /// <param name="slotsLog2">The table has 2^slotsLog2 slots.</param>
    public PreTokenCache(int slotsLog2)
    {
        _slots = new Entry?[1 << slotsLog2];
        _mask = _slots.Length - 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(ReadOnlySpan<char> piece)
    {
        uint h = 2166136261;
        foreach (char c in piece) h = (h ^ c) * 16777619;
        return h ^ (h >> 15);
    }

    public bool TryGet(ReadOnlySpan<char> piece, out int[] ids)
    {
        var entry = Volatile.Read(ref _slots[Hash(piece) & _mask]);
        if (entry != null && piece.SequenceEqual(entry.Key))
        {
            ids = entry.Ids;
            return true;
        }
        ids = [];
        return false;
    }

    public void Add(ReadOnlySpan<char> piece, ReadOnlySpan<int> ids)
    {
        if (piece.Length > MaxPieceLength) return;
        Volatile.Write(ref _slots[Hash(piece) & _mask], new Entry(piece.ToString(), ids.ToArray()));
    }
}
