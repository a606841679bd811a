using DeepSeekV4.Engine.Compute.Gpu.Attention;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>FP4 e2m1 (0, 0.5, 1, 1.5, 2, 3, 4, 6): the code of KvCache.Fp4E2M1.Encode decoded again.</summary>
public struct Fp4E2M1Rounding : IBlockRounding
{
    public readonly int ScaleExponent(float amax) => DeviceFp4E2M1.ScaleExponent(amax);

    public readonly float Round(float x) => DeviceFp4E2M1.Decode(DeviceFp4E2M1.Encode(x));
}
