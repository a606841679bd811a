using DeepSeekV4.Engine.Tensors;
using ILGPU;
using ILGPU.Runtime;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// <see cref="Experts"/> stacked [rows × cols] weights on an accelerator, kept as their raw ggml blocks (never expanded
/// to float32): one for a plain weight, a layer's routed experts for ggml's [cols, rows, experts] tensor. Expert e's
/// row r starts at e·ExpertBytes + r·RowBytes.
/// </summary>
public sealed class GpuWeightMatrix : IDisposable
{
    internal GpuWeightMatrix(GpuAccelerator accelerator, GgmlType type, int experts, int rows, int cols, long rowBytes, MemoryBuffer1D<byte, Stride1D.Dense> buffer)
    {
        Accelerator = accelerator;
        Type = type;
        Experts = experts;
        Rows = rows;
        Cols = cols;
        RowBytes = rowBytes;
        Buffer = buffer;
    }

    public GpuAccelerator Accelerator { get; }
    public GgmlType Type { get; }
    public int Experts { get; }
    public int Rows { get; }
    public int Cols { get; }
    public long RowBytes { get; }
    public long ExpertBytes => Rows * RowBytes;
    public long Bytes => Experts * ExpertBytes;
    internal MemoryBuffer1D<byte, Stride1D.Dense> Buffer { get; }

    public void Dispose() => Buffer.Dispose();
}
