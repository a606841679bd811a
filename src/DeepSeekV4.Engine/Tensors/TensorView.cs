using System.Runtime.CompilerServices;

namespace DeepSeekV4.Engine.Tensors;

/// <summary>
/// A typed, read-only view over a tensor's bytes in place (a memory mapping or native memory). Dims are ggml order:
/// ne0 is the row length, every further dim multiplies the row count. The owner of the memory must outlive the view.
/// </summary>
public sealed unsafe class TensorView
{
    public string Name { get; }
    public GgmlType Type { get; }
    public GgmlTypeInfo TypeInfo { get; }
    public long[] Shape { get; }
    public nint Address { get; }
    public long ByteSize { get; }
    /// <summary>ne0: elements per row.</summary>
    public int RowLength { get; }
    public long RowCount { get; }
    public int RowBytes { get; }

    /// <summary>
    /// True when the rows are stored as <see cref="InterleavedQ8_0"/> groups of 16 (a model loaded into process memory
    /// rearranges its Q8_0 matrices so); <see cref="Row"/> and <see cref="Rows"/> then do not apply.
    /// </summary>
    public bool IsInterleaved { get; }

    public TensorView(string name, GgmlType type, long[] shape, nint address, long byteSize, bool interleaved = false)
    {
        Name = name;
        Type = type;
        TypeInfo = GgmlTypeInfo.Of(type);
        Shape = shape;
        Address = address;
        ByteSize = byteSize;
        long ne0 = shape.Length == 0 ? 1 : shape[0];
        if (ne0 > int.MaxValue) throw new NotSupportedException($"tensor '{name}': rows of {ne0} elements are too long");
        RowLength = (int)ne0;
        long rows = 1;
        for (int i = 1; i < shape.Length; i++) rows *= shape[i];
        RowCount = rows;
        RowBytes = checked((int)TypeInfo.RowBytes(ne0));
        if (RowBytes * rows > byteSize) throw new ArgumentException($"tensor '{name}': {rows} rows of {RowBytes} bytes exceed {byteSize} bytes");
        if (interleaved && !InterleavedQ8_0.Fits(type, rows))
            throw new ArgumentException($"tensor '{name}' ({TypeInfo.Name}, {rows} rows) cannot be stored interleaved");
        IsInterleaved = interleaved;
    }

    public long ElementCount => RowLength * RowCount;

    /// <summary>Size of dimension <paramref name="i"/> (1 beyond the stored dims).</summary>
    public long Dim(int i) => i < Shape.Length ? Shape[i] : 1;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<byte> Row(long row)
    {
        ThrowIfInterleaved();
        if ((ulong)row >= (ulong)RowCount) throw new ArgumentOutOfRangeException(nameof(row), row, $"tensor '{Name}' has {RowCount} rows");
        return new ReadOnlySpan<byte>((byte*)Address + row * RowBytes, RowBytes);
    }

    /// <summary>Consecutive rows [first, first + count) as one span.</summary>
    public ReadOnlySpan<byte> Rows(long first, int count)
    {
        ThrowIfInterleaved();
        if (first < 0 || count < 0 || first + count > RowCount) throw new ArgumentOutOfRangeException(nameof(first), $"rows [{first}, {first + count}) of tensor '{Name}' with {RowCount} rows");
        return new ReadOnlySpan<byte>((byte*)Address + first * RowBytes, checked(RowBytes * count));
    }

    /// <summary>The index-th slice along the outermost dimension (e.g. one expert of a stacked [in, out, E] tensor).</summary>
    public TensorView Slice(long index)
    {
        int last = Shape.Length - 1;
        if (last < 1) throw new InvalidOperationException($"tensor '{Name}' has no outer dimension to slice");
        if ((ulong)index >= (ulong)Shape[last]) throw new ArgumentOutOfRangeException(nameof(index), index, $"tensor '{Name}' has {Shape[last]} slices");
        long rowsPerSlice = RowCount / Shape[last];
        long bytes = rowsPerSlice * RowBytes;
        return new TensorView($"{Name}[{index}]", Type, Shape[..last], Address + (nint)(index * bytes), bytes, IsInterleaved);
    }

    /// <summary>Rows [first, first + count) of a matrix as a view of their own (interleaved views: in whole groups of 16).</summary>
    public TensorView RowRange(long first, int count)
    {
        if (first < 0 || count <= 0 || first + count > RowCount)
            throw new ArgumentOutOfRangeException(nameof(first), $"rows [{first}, {first + count}) of tensor '{Name}' with {RowCount} rows");
        if (IsInterleaved && (first % InterleavedQ8_0.Rows != 0 || count % InterleavedQ8_0.Rows != 0))
            throw new ArgumentException($"rows [{first}, {first + count}) of interleaved tensor '{Name}' do not start and end on groups of {InterleavedQ8_0.Rows}");
        return new TensorView($"{Name}[rows {first}..{first + count - 1}]", Type, [RowLength, count],
            Address + (nint)(first * RowBytes), (long)count * RowBytes, IsInterleaved);
    }

    /// <summary>Dequantizes one row into <paramref name="destination"/> (length ≥ RowLength).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void DequantizeRow(long row, Span<float> destination)
    {
        if (!IsInterleaved)
        {
            Dequantizer.DequantizeRow(Type, Row(row), destination[..RowLength]);
            return;
        }
        if ((ulong)row >= (ulong)RowCount) throw new ArgumentOutOfRangeException(nameof(row), row, $"tensor '{Name}' has {RowCount} rows");
        var plain = new byte[RowBytes];
        InterleavedQ8_0.CopyRow((byte*)Address, row, RowBytes, plain);
        Dequantizer.DequantizeRow(Type, plain, destination[..RowLength]);
    }

    private void ThrowIfInterleaved()
    {
        if (IsInterleaved) throw new InvalidOperationException($"tensor '{Name}' is stored interleaved for the products; its rows are not contiguous");
    }

    /// <summary>The whole tensor as float32 (for tests and small tensors only: allocates).</summary>
    public float[] ToFloatArray()
    {
        var result = new float[ElementCount];
        for (long r = 0; r < RowCount; r++) DequantizeRow(r, result.AsSpan((int)(r * RowLength), RowLength));
        return result;
    }

    public override string ToString() => $"{Name} {TypeInfo.Name} [{string.Join(", ", Shape)}]";
}
