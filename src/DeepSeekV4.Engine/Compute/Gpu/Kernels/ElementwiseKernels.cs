using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>One thread per value: the in-place scaling and sum of float buffers (Elementwise.Multiply/Add by a scalar and a span on the CPU).</summary>
public static class ElementwiseKernels
{
    /// <summary>x[i] = x[i]·s.</summary>
    public static void Scale(Index1D i, ArrayView<float> x, float s) => x[i] *= s;

    /// <summary>dst[i] = dst[i] + src[i].</summary>
    public static void Add(Index1D i, ArrayView<float> destination, ArrayView<float> source) => destination[i] += source[i];
}
