using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>Where a rotation applies: dims [Offset, Offset + 2·Half) of each of <see cref="Rows"/> rows, angle row r / RowsPerAngle.</summary>
public struct RotaryShape
{
    public int Rows;
    public int RowStride;
    public int Offset;
    public int Half;
    public int RowsPerAngle;
    /// <summary>1: rotate back (sin negated).</summary>
    public int Inverse;
}

/// <summary>
/// Interleaved partial RoPE, one thread per pair: (x[2i], x[2i+1]) of the rotary dims turn by the angle whose cos/sin
/// are entry i of the row's angle row — Models.DeepSeekV4.RotaryEmbedding.Rotate's a·c − b·s, a·s + b·c.
/// </summary>
public static class RotaryKernel
{
    public static void Run(Index1D index, ArrayView<float> x, ArrayView<float> cos, ArrayView<float> sin, RotaryShape shape)
    {
        int row = index / shape.Half, i = index % shape.Half;
        long angle = (long)(row / shape.RowsPerAngle) * shape.Half + i;
        long o = (long)row * shape.RowStride + shape.Offset + 2 * i;
        float a = x[o], b = x[o + 1];
        float c = cos[angle], s = shape.Inverse != 0 ? -sin[angle] : sin[angle];
        x[o] = a * c - b * s;
        x[o + 1] = a * s + b * c;
    }
}
