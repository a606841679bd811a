using System.Runtime.CompilerServices;

namespace DeepSeekV4.Engine.KvCache;

/// <summary>
/// An append-only list of encoded rows (compressed entries or indexer keys) held in fixed-size pages that are
/// allocated as the list grows, so a short sequence in a long context holds only what it uses. Truncating keeps the
/// pages for reuse.
/// </summary>
public sealed class KvRowPages
{
    public const int DefaultPageRows = 256;
    private readonly byte[]?[] _pages;
    private readonly int _pageRows;

    public KvRowPages(int rowBytes, int maxRows, int pageRows = DefaultPageRows)
    {
        RowBytes = rowBytes;
        MaxRows = maxRows;
        _pageRows = Math.Max(1, Math.Min(pageRows, maxRows));
        _pages = new byte[]?[(maxRows + _pageRows - 1) / _pageRows];
    }

    public int RowBytes { get; }
    public int MaxRows { get; }
    public int Count { get; private set; }
    public long BytesInUse => (long)Count * RowBytes;

    public long ReservedBytes
    {
        get
        {
            long total = 0;
            foreach (var page in _pages) total += page?.LongLength ?? 0;
            return total;
        }
    }

    /// <summary>The next row, to be filled by the caller; the count grows by one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Span<byte> Append()
    {
        if (Count >= MaxRows) throw new InvalidOperationException($"the cache holds its maximum of {MaxRows} rows");
        int page = Count / _pageRows;
        var data = _pages[page] ??= new byte[_pageRows * RowBytes];
        var row = data.AsSpan(Count % _pageRows * RowBytes, RowBytes);
        Count++;
        return row;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<byte> Row(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"{Count} rows held");
        return _pages[index / _pageRows].AsSpan(index % _pageRows * RowBytes, RowBytes);
    }

    public void TruncateTo(int count)
    {
        if (count < 0 || count > Count) throw new ArgumentOutOfRangeException(nameof(count), count, $"{Count} rows held");
        Count = count;
    }

    public KvRowPages Clone()
    {
        var copy = new KvRowPages(RowBytes, MaxRows, _pageRows) { Count = Count };
        int used = (Count + _pageRows - 1) / _pageRows;
        for (int p = 0; p < used; p++) copy._pages[p] = (byte[]?)_pages[p]?.Clone();
        return copy;
    }
}
