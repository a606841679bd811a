using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>The output head's pre-only mixer weights, one thread per (token, stream): pre = σ(m·scale0 + base[h]) + eps, as DeepSeekV4Sequence's Head.</summary>
public static class HeadPreKernel
{
    public static void Run(Index1D index, ArrayView<float> headMixes, float scale0, ArrayView<float> bias, float eps, int hc, ArrayView<float> pre) =>
        pre[index] = DeviceMath.Sigmoid(headMixes[index] * scale0 + bias[index % hc]) + eps;
}
