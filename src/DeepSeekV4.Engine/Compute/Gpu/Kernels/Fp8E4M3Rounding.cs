using DeepSeekV4.Engine.Compute.Gpu.Attention;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>FP8 e4m3 ("fn": max 448): the code of KvCache.Fp8E4M3.Encode decoded again.</summary>
public struct Fp8E4M3Rounding : IBlockRounding
{
    public readonly int ScaleExponent(float amax) => DeviceFp8E4M3.ScaleExponent(amax);

    public readonly float Round(float x) => DeviceFp8E4M3.Decode(DeviceFp8E4M3.Encode(x));
}
