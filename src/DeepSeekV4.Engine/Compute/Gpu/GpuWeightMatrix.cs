using DeepSeekV4.Engine.Tensors;
using ILGPU;
using ILGPU.Runtime;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>A [rows × cols] weight on an accelerator, kept as its raw ggml blocks (never expanded to float32).</summary>
public sealed class GpuWeightMatrix : IDisposable
{
    internal GpuWeightMatrix(GpuAccelerator accelerator, GgmlType type, int rows, int cols, long rowBytes, MemoryBuffer1D<byte, Stride1D.Dense> buffer)
    {
        Accelerator = accelerator;
        Type = type;
        Rows = rows;
        Cols = cols;
        RowBytes = rowBytes;
        Buffer = buffer;
    }

    public GpuAccelerator Accelerator { get; }
    public GgmlType Type { get; }
    public int Rows { get; }
    public int Cols { get; }
    public long RowBytes { get; }
    public long Bytes => Rows * RowBytes;
    internal MemoryBuffer1D<byte, Stride1D.Dense> Buffer { get; }

    public void Dispose() => Buffer.Dispose();
}
