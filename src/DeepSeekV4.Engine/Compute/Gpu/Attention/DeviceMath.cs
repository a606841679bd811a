namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>
/// e^x in kernels without ILGPU.Algorithms (MathF.Exp has no PTX intrinsic in ILGPU's core): Cephes' expf — x = k·ln2 + r
/// with ln2 split in two, a degree-6 polynomial for e^r on |r| ≤ ln2/2, then 2^k — within about 2 ulp of the true value.
/// </summary>
public static class DeviceMath
{
    public static float Exp(float x)
    {
        if (DeviceRounding.IsNaN(x)) return x;
        if (x > 88.72283905206835f) return float.PositiveInfinity;
        if (x < -103.97208f) return 0f;
        int k = (int)(x * 1.44269504088896341f + (x >= 0f ? 0.5f : -0.5f));
        float r = x - k * 0.693359375f;
        r -= k * -2.12194440e-4f;
        float p = 1.9875691500e-4f;
        p = p * r + 1.3981999507e-3f;
        p = p * r + 8.3334519073e-3f;
        p = p * r + 4.1665795894e-2f;
        p = p * r + 1.6666665459e-1f;
        p = p * r + 5.0000001201e-1f;
        float e = p * (r * r) + r + 1f;
        return DeviceRounding.ScaleB(e, k);
    }
}
