using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>
/// The sublayer input of each token, one thread per value: hidden = Σ_h pre[h]·streams[h], accumulated in stream order
/// as HyperConnection.Reduce (s0·w0, then s_h·w_h + sum).
/// </summary>
public static class HyperReduceKernel
{
    public static void Run(Index1D index, ArrayView<float> streams, ArrayView<float> pre, int hc, int d, ArrayView<float> hidden)
    {
        int t = index / d, c = index % d;
        long s = (long)t * hc * d + c, w = (long)t * hc;
        float sum = streams[s] * pre[w];
        for (int h = 1; h < hc; h++) sum = streams[s + (long)h * d] * pre[w + h] + sum;
        hidden[index] = sum;
    }
}
