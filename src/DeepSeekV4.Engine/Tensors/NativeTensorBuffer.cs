using System.Runtime.InteropServices;

namespace DeepSeekV4.Engine.Tensors;

/// <summary>A tensor in 64-byte aligned native memory owned by this object (benchmarks, tests, scratch weights).</summary>
public sealed unsafe class NativeTensorBuffer : IDisposable
{
    private nint _memory;

    public NativeTensorBuffer(string name, GgmlType type, long[] shape)
    {
        var info = GgmlTypeInfo.Of(type);
        if (shape.Length == 0 || shape[0] % info.BlockSize != 0)
            throw new ArgumentException($"tensor '{name}': a row of {(shape.Length == 0 ? 0 : shape[0])} elements is not a whole number of {info.Name} blocks");
        long rows = 1;
        for (int i = 1; i < shape.Length; i++) rows = checked(rows * shape[i]);
        ByteSize = checked(rows * info.RowBytes(shape[0]));
        if (ByteSize > int.MaxValue) throw new NotSupportedException($"tensor '{name}': {ByteSize} bytes is more than one buffer holds");
        _memory = (nint)Compute.WeightMemory.Allocate(ByteSize);
        View = new TensorView(name, type, shape, _memory, ByteSize);
    }

    public long ByteSize { get; }

    public TensorView View { get; }

    public Span<byte> Bytes
    {
        get
        {
            ObjectDisposedException.ThrowIf(_memory == 0, this);
            return new Span<byte>((void*)_memory, (int)ByteSize);
        }
    }

    public void Dispose()
    {
        if (_memory == 0) return;
        Compute.WeightMemory.Free((byte*)_memory);
        _memory = 0;
    }
}
