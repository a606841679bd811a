using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>
/// [a × b × width] → [b × a × width], one thread per value: dst[(j·a + i)·width + c] = src[(i·b + j)·width + c]. With
/// (a, b) = (tokens, groups) it is AttentionLayer's gather of the output groups (token-major → group-major), and with
/// (groups, tokens) the scatter of the group outputs back.
/// </summary>
public static class SwapOuterAxesKernel
{
    public static void Run(Index1D index, ArrayView<float> source, ArrayView<float> destination, int a, int b, int width)
    {
        int c = index % width, ij = index / width;
        int i = ij / b, j = ij % b;
        destination[((long)j * a + i) * width + c] = source[index];
    }
}
