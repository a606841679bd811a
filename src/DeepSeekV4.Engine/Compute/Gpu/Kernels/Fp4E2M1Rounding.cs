namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>FP4 e2m1 (0, 0.5, 1, 1.5, 2, 3, 4, 6), as KvCache.Fp4E2M1.Encode/Decode round.</summary>
public struct Fp4E2M1Rounding : IBlockRounding
{
    public readonly int ScaleExponent(float amax) => BlockScale.Exponent(amax, 6f * 1.17549435e-38f /* 6·2^-126 */, 1f / 6f);

    public readonly float Max => 6f;

    public readonly float Round(float a)
    {
        // a / quantum as a product with the exact reciprocal (no backend may approximate it).
        float quantum = a < 2f ? 0.5f : a < 4f ? 1f : 2f;
        return BlockScale.RoundHalfEven(a * (1f / quantum)) * quantum;
    }
}
