using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>Reductions over the lanes of a warp with shuffles; every lane gets the result. All lanes must call together.</summary>
public static class WarpReduction
{
    public static float Sum(float value)
    {
        for (int offset = Warp.WarpSize / 2; offset > 0; offset >>= 1)
            value += Warp.ShuffleDown(value, offset);
        return Warp.Shuffle(value, 0);
    }
}
