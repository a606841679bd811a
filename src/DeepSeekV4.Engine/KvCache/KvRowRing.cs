using System.Runtime.CompilerServices;

namespace DeepSeekV4.Engine.KvCache;

/// <summary>
/// The sliding-window rows of one layer: a ring of encoded rows where position p lives in slot p mod Rows.
/// Its memory is taken on first write.
/// </summary>
public sealed class KvRowRing
{
    private byte[]? _data;

    public KvRowRing(int rows, int rowBytes)
    {
        Rows = rows;
        RowBytes = rowBytes;
    }

    public int Rows { get; }
    public int RowBytes { get; }
    public long ReservedBytes => _data?.LongLength ?? 0;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Span<byte> RowForWrite(int position)
    {
        _data ??= new byte[checked(Rows * RowBytes)];
        return _data.AsSpan(position % Rows * RowBytes, RowBytes);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<byte> Row(int position) =>
        _data is null ? throw new InvalidOperationException("window row read before any write") : _data.AsSpan(position % Rows * RowBytes, RowBytes);

    public KvRowRing Clone()
    {
        var copy = new KvRowRing(Rows, RowBytes);
        copy._data = (byte[]?)_data?.Clone();
        return copy;
    }

    internal void CopyTo(ref byte[]? backup)
    {
        if (_data is null) return;
        backup ??= new byte[_data.Length];
        _data.CopyTo(backup, 0);
    }

    internal void CopyFrom(byte[]? backup)
    {
        if (backup is null || _data is null) return;
        backup.CopyTo(_data, 0);
    }
}
