using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>The experts' outputs added to their tokens, one thread per value: output[t] += Σ_s down[t·k + s], in slot order.</summary>
public static class ScatterAddSlotsKernel
{
    public static void Run(Index1D index, ArrayView<float> down, int k, int d, ArrayView<float> output)
    {
        int t = index / d, c = index % d;
        float sum = output[index];
        for (int s = 0; s < k; s++) sum += down[((long)t * k + s) * d + c];
        output[index] = sum;
    }
}
