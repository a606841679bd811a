using System.Runtime.CompilerServices;
using DeepSeekV4.Engine.Tensors.Kernels;

namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>The orthonormal Walsh–Hadamard transform (Sylvester order, scale n^-1/2), in place; n a power of two.</summary>
public static class HadamardTransform
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(Span<float> x)
    {
        int n = x.Length;
        if (n == 0 || (n & (n - 1)) != 0) throw new ArgumentException($"length {n} is not a power of two", nameof(x));
        for (int h = 1; h < n; h <<= 1)
        {
            for (int i = 0; i < n; i += h << 1)
            {
                for (int j = i; j < i + h; j++)
                {
                    float a = x[j], b = x[j + h];
                    x[j] = a + b;
                    x[j + h] = a - b;
                }
            }
        }
        Elementwise.Multiply(x, (float)Math.Pow(n, -0.5), x);
    }
}
