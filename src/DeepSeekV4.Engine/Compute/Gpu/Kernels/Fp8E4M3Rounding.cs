using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>FP8 e4m3 ("fn": max 448, subnormals down to 2^-9), as KvCache.Fp8E4M3.Encode/Decode round.</summary>
public struct Fp8E4M3Rounding : IBlockRounding
{
    public readonly int ScaleExponent(float amax) => BlockScale.Exponent(amax, 1e-4f, 1f / 448f);

    public readonly float Max => 448f;

    /// <summary>Three mantissa bits: the quantum is 2^(e−3) for a in [2^e, 2^(e+1)), e ≥ −6 (the subnormals share 2^-9).</summary>
    public readonly float Round(float a)
    {
        int e = (int)((Interop.FloatAsInt(a) >> 23) & 0xFF) - 127;
        if (e < -6) e = -6;
        return BlockScale.RoundHalfEven(a * BlockScale.Pow2(3 - e)) * BlockScale.Pow2(e - 3);
    }
}
