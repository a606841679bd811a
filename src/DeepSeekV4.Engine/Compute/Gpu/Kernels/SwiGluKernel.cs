using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>
/// The clamped SwiGLU of the experts in place over the gate, one thread per value, as MixtureOfExperts.RunBatch: with a
/// clamp c &gt; 0, g = min(g, c) and u = clamp(u, −c, c); then g / (1 + e^−g) · u, and times the row's routing weight
/// when there are weights (row = i / f).
/// </summary>
public static class SwiGluKernel
{
    public static void Run(Index1D i, ArrayView<float> gate, ArrayView<float> up, int f, float clamp, ArrayView<float> rowWeights, int weighted)
    {
        float g = gate[i], u = up[i];
        if (clamp > 0)
        {
            if (g > clamp) g = clamp;           // NaN stays NaN, as IEEE minimum
            if (u < -clamp) u = -clamp;
            else if (u > clamp) u = clamp;
        }
        float h = g / (1f + DeviceMath.ExpF(-g)) * u;
        gate[i] = weighted != 0 ? h * rowWeights[i / f] : h;
    }
}
