using System.Runtime.Intrinsics.X86;
using DeepSeekV4.Engine.Tensors;
using DeepSeekV4.Engine.Tensors.Kernels;

namespace DeepSeekV4.Engine.Tests.Tensors.Kernels;

/// <summary>
/// Q2_K's two 256-bit super-block kernels (scales folded into the codes with AVX-VNNI, and vpmaddubsw/vpmaddwd pairs
/// without it) against the portable one, block by block: the integer sums must be equal. The path tests reach only the
/// one this CPU selects; this reaches both.
/// </summary>
public unsafe class Q2_KDotTests
{
    [Fact]
    public void BothAvx2KernelsEqualThePortableSums()
    {
        if (!Avx2.IsSupported) return;
        var random = new Random(17);
        const int blocks = 64, n = 256 * blocks;
        var weights = new byte[84 * blocks];
        SyntheticBlocks.Fill(GgmlType.Q2_K, weights, random);
        // Extreme blocks too: every code 3 with scale and min 15, and every byte 0x80.
        Array.Fill(weights, (byte)0xFF, 0, 80);
        Array.Fill(weights, (byte)0x80, 84, 84);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = SyntheticBlocks.Gaussian(random) * (i % 300 == 0 ? 40f : 1f);
        for (int i = 0; i < 256; i++) x[i] = i % 2 == 0 ? 1f : -1f;
        var scratch = new ScratchBuffer();
        var activation = ActivationRow.Quantize(GgmlType.Q8_K, x, scratch.Get(ActivationRow.BufferBytes(GgmlType.Q8_K, n)));
        fixed (byte* w = weights)
        {
            for (int b = 0; b < blocks; b++)
            {
                byte* wb = w + 84 * b;
                sbyte* xb = activation.Codes + 256 * b;
                short* sums = activation.GroupSums + 16 * b;
                var expected = Q2_KDot.Portable(wb, xb, sums);
                Assert.Equal(expected, Q2_KDot.Pairs(wb, xb, sums));
                if (AvxVnni.IsSupported) Assert.Equal(expected, Q2_KDot.Vnni(wb, xb, sums));
            }
        }
        GC.KeepAlive(scratch);
    }
}
