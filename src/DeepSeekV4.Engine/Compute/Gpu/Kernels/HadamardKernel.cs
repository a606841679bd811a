using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>
/// The orthonormal Walsh–Hadamard transform of each row in place, one group per row (explicitly grouped): per stage
/// h = 1, 2, 4, … the group's threads take the dim/2 butterflies (x[j], x[j+h]) → (a + b, a − b) of
/// Models.DeepSeekV4.HadamardTransform, with a barrier between stages; then the product with n^-1/2 (computed on the
/// host as the CPU does). Every value goes through the same operations as on the CPU: bit for bit.
/// </summary>
public static class HadamardKernel
{
    public static void Run(ArrayView<float> x, int rows, int dim, float scale)
    {
        int row = Grid.IdxX;
        if (row >= rows) return; // the whole group: the barriers below are never split
        long o = (long)row * dim;
        int half = dim / 2;
        for (int h = 1; h < dim; h <<= 1)
        {
            for (int p = Group.IdxX; p < half; p += Group.DimX)
            {
                long j = o + p / h * 2 * h + p % h;
                float a = x[j], b = x[j + h];
                x[j] = a + b;
                x[j + h] = a - b;
            }
            Group.Barrier();
        }
        for (int i = Group.IdxX; i < dim; i += Group.DimX) x[o + i] *= scale;
    }
}
