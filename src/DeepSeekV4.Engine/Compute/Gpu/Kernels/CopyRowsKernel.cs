using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>A strided copy, one thread per value: dst[r·dstStride + c] = src[r·srcStride + c] for c &lt; cols.</summary>
public static class CopyRowsKernel
{
    public static void Run(Index1D index, ArrayView<float> source, int sourceStride, ArrayView<float> destination, int destinationStride, int cols)
    {
        int r = index / cols, c = index % cols;
        destination[(long)r * destinationStride + c] = source[(long)r * sourceStride + c];
    }
}
