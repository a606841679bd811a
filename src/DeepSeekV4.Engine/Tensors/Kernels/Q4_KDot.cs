using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static DeepSeekV4.Engine.Tensors.Kernels.KQuantSimd;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// Q4_K · Q8_K: Σ_j sc_j·Σ q·qx over 8 sub-blocks of 32 and Σ_j m_j·(their activation sums);
/// block value d·dx·scaled − dmin·dx·mins.
/// </summary>
internal unsafe struct Q4_KDot : ISuperBlockKernel
{
    public static int BlockBytes => 144;

    /// <summary>The 8 scales and 8 mins of a Q4_K/Q5_K block, and the min sum Σ m_j·(group sums of sub-block j).</summary>
    internal static int Unpack(byte* w, short* groupSums, int* scales)
    {
        var packed = new ReadOnlySpan<byte>(w + 4, 12);
        int mins = 0;
        for (int j = 0; j < 8; j++)
        {
            var (sc, m) = Formats.KQuantScales.Get(packed, j);
            scales[j] = sc;
            mins += m * (groupSums[2 * j] + groupSums[2 * j + 1]);
        }
        return mins;
    }

    public static BlockSums Portable(byte* w, sbyte* x, short* groupSums)
    {
        int* sc = stackalloc int[8];
        int mins = Unpack(w, groupSums, sc);
        byte* qs = w + 16;
        int scaled = 0;
        for (int c = 0; c < 4; c++)
        {
            int low = 0, high = 0;
            for (int l = 0; l < 32; l++)
            {
                low += (qs[32 * c + l] & 0xF) * x[64 * c + l];
                high += (qs[32 * c + l] >> 4) * x[64 * c + 32 + l];
            }
            scaled += sc[2 * c] * low + sc[2 * c + 1] * high;
        }
        return new BlockSums(scaled, mins);
    }

    public static BlockSums Avx2Path(byte* w, sbyte* x, short* groupSums)
    {
        int* sc = stackalloc int[8];
        int mins = Unpack(w, groupSums, sc);
        byte* qs = w + 16;
        var acc = Vector256<int>.Zero;
        for (int c = 0; c < 4; c++)
        {
            var q = Avx.LoadVector256(qs + 32 * c);
            acc = AddScaled(acc, LowNibbles(q), Load(x + 64 * c), Scales(sc[2 * c], sc[2 * c]));
            acc = AddScaled(acc, HighNibbles(q), Load(x + 64 * c + 32), Scales(sc[2 * c + 1], sc[2 * c + 1]));
        }
        return new BlockSums(Vector256.Sum(acc), mins);
    }

    public static BlockSums Avx512Path(byte* w, sbyte* x, short* groupSums)
    {
        int* sc = stackalloc int[8];
        int mins = Unpack(w, groupSums, sc);
        byte* qs = w + 16;
        var acc = Vector512<int>.Zero;
        for (int k = 0; k < 2; k++)
        {
            var q = Avx512BW.LoadVector512(qs + 64 * k);
            int c = 2 * k;
            acc = AddScaled(acc, LowNibbles(q), Load2(x + 64 * c, x + 64 * c + 64), Scales(sc[2 * c], sc[2 * c], sc[2 * c + 2], sc[2 * c + 2]));
            acc = AddScaled(acc, HighNibbles(q), Load2(x + 64 * c + 32, x + 64 * c + 96), Scales(sc[2 * c + 1], sc[2 * c + 1], sc[2 * c + 3], sc[2 * c + 3]));
        }
        return new BlockSums(Vector512.Sum(acc), mins);
    }

    public static float Combine(byte* w, float activationScale, BlockSums sums)
    {
        float d = KernelMath.Half(w) * activationScale;
        float dmin = KernelMath.Half(w + 2) * activationScale;
        return d * sums.Scaled - dmin * sums.Mins;
    }

    public static float Finish(float sum) => sum;
}
