using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>
/// The rotary angle tables of a batch, one thread per (position, frequency): angle = (float)position · f_i in float as
/// Models.DeepSeekV4.RotaryEmbedding.Angles computes it (the frequencies, YaRN included, are the CPU's own, uploaded),
/// then its cos and sin from the double functions of <see cref="DeviceMath"/>, rounded to float.
/// </summary>
public static class RotaryAnglesKernel
{
    public static void Run(Index1D index, ArrayView<int> positions, ArrayView<float> frequencies, int half, ArrayView<float> cos, ArrayView<float> sin)
    {
        int t = index / half, i = index % half;
        float angle = (float)positions[t] * frequencies[i];
        DeviceMath.SinCos(angle, out double s, out double c);
        cos[index] = (float)c;
        sin[index] = (float)s;
    }
}
