using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>
/// The residual update of each token, one thread per new value: next[k] = post[k]·y + Σ_j comb[j, k]·old[j], accumulated
/// in j order as HyperConnection.Expand.
/// </summary>
public static class HyperExpandKernel
{
    public static void Run(Index1D index, ArrayView<float> y, ArrayView<float> old, ArrayView<float> post, ArrayView<float> comb,
        int hc, int d, ArrayView<float> next)
    {
        int c = index % d, tk = index / d;
        int t = tk / hc, k = tk % hc;
        long streams = (long)t * hc * d + c, mixes = (long)t * hc * hc + k;
        float sum = y[(long)t * d + c] * post[(long)t * hc + k];
        for (int j = 0; j < hc; j++) sum = old[streams + (long)j * d] * comb[mixes + (long)j * hc] + sum;
        next[index] = sum;
    }
}
