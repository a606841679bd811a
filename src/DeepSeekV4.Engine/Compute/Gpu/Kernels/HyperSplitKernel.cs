using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>The hyper-connection constants of a split: hc streams, Sinkhorn iterations, eps.</summary>
public struct HyperSplitShape
{
    public int Tokens;
    public int Hc;
    public int Iterations;
    public float Eps;
}

/// <summary>
/// One token's mixes split into pre = σ(m·s0 + b) + eps, post = 2σ(m·s1 + b) and comb = Sinkhorn(m·s2 + b), one thread
/// per token — HyperConnection.Split and Sinkhorn operation for operation (row softmax + eps, a column normalization,
/// then iterations − 1 row and column normalizations), with the exponential of <see cref="DeviceMath"/>.
/// </summary>
public static class HyperSplitKernel
{
    public static void Run(Index1D token, ArrayView<float> mixes, ArrayView<float> bias, ArrayView<float> scale,
        ArrayView<float> pre, ArrayView<float> post, ArrayView<float> comb, HyperSplitShape shape)
    {
        int hc = shape.Hc, mix = (2 + hc) * hc;
        long m = (long)token.X * mix, p = (long)token.X * hc, c = (long)token.X * hc * hc;
        for (int h = 0; h < hc; h++)
        {
            pre[p + h] = DeviceMath.Sigmoid(mixes[m + h] * scale[0] + bias[h]) + shape.Eps;
            post[p + h] = 2f * DeviceMath.Sigmoid(mixes[m + hc + h] * scale[1] + bias[hc + h]);
        }
        for (int i = 0; i < hc * hc; i++) comb[c + i] = mixes[m + 2 * hc + i] * scale[2] + bias[2 * hc + i];
        Sinkhorn(comb.SubView(c, hc * hc), hc, shape.Iterations, shape.Eps);
    }

    private static void Sinkhorn(ArrayView<float> a, int n, int iterations, float eps)
    {
        for (int j = 0; j < n; j++)
        {
            long r = (long)j * n;
            float max = a[r];
            for (int k = 1; k < n; k++) max = MaxPropagatingNaN(max, a[r + k]);
            for (int k = 0; k < n; k++) a[r + k] = DeviceMath.ExpF(a[r + k] - max);
            float sum = 0;
            for (int k = 0; k < n; k++) sum += a[r + k];
            for (int k = 0; k < n; k++) a[r + k] = a[r + k] / sum + eps;
        }
        NormalizeColumns(a, n, eps);
        for (int it = 1; it < iterations; it++)
        {
            for (int j = 0; j < n; j++)
            {
                long r = (long)j * n;
                float sum = 0;
                for (int k = 0; k < n; k++) sum += a[r + k];
                float d = sum + eps;
                for (int k = 0; k < n; k++) a[r + k] /= d;
            }
            NormalizeColumns(a, n, eps);
        }
    }

    private static void NormalizeColumns(ArrayView<float> a, int n, float eps)
    {
        for (int k = 0; k < n; k++)
        {
            float sum = 0;
            for (int j = 0; j < n; j++) sum += a[(long)j * n + k];
            float d = sum + eps;
            for (int j = 0; j < n; j++) a[(long)j * n + k] /= d;
        }
    }

    /// <summary>IEEE 754:2019 maximum as Elementwise.Max (NaN wins).</summary>
    private static float MaxPropagatingNaN(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? float.NaN : a > b ? a : b;
}
