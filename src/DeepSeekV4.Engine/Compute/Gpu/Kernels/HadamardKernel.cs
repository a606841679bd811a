using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>
/// The orthonormal Walsh–Hadamard transform of each row in place, one thread per row: the butterflies of
/// Models.DeepSeekV4.HadamardTransform in its order (each value is a sum and difference of the same operands), then the
/// product with n^-1/2 (computed on the host as the CPU does) — bit for bit.
/// </summary>
public static class HadamardKernel
{
    public static void Run(Index1D row, ArrayView<float> x, int dim, float scale)
    {
        long o = (long)row.X * dim;
        for (int h = 1; h < dim; h <<= 1)
        {
            for (int i = 0; i < dim; i += h << 1)
            {
                for (int j = i; j < i + h; j++)
                {
                    float a = x[o + j], b = x[o + j + h];
                    x[o + j] = a + b;
                    x[o + j + h] = a - b;
                }
            }
        }
        for (int j = 0; j < dim; j++) x[o + j] *= scale;
    }
}
