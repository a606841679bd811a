using System.Runtime.Intrinsics.X86;
using DeepSeekV4.Engine.Tensors;
using DeepSeekV4.Engine.Tensors.Kernels;

namespace DeepSeekV4.Engine.Tests.Tensors.Kernels;

/// <summary>
/// Super-block kernels with more than one variant (chosen by CPU feature inside the Avx2 path: 256-bit, or 512-bit where AVX-512 is present) against the
/// portable kernel, block by block: the integer sums must be equal. The path tests reach only the variant this CPU
/// selects; these reach every variant it can run.
/// </summary>
public unsafe class KernelVariantTests
{
    [Fact]
    public void Q2_KVariantsEqualThePortableSums()
    {
        if (!Avx2.IsSupported) return;
        Compare(GgmlType.Q2_K, 84, &Q2_KDot.Portable, &Q2_KDot.Pairs);
        if (AvxVnni.IsSupported) Compare(GgmlType.Q2_K, 84, &Q2_KDot.Portable, &Q2_KDot.Vnni);
        if (Avx512BW.IsSupported) Compare(GgmlType.Q2_K, 84, &Q2_KDot.Portable, &Q2_KDot.Wide);
    }

    [Fact]
    public void Iq2XxsVariantsEqualThePortableSums()
    {
        if (!Avx2.IsSupported) return;
        Compare(GgmlType.IQ2_XXS, 66, &Iq2XxsDot.Portable, &Iq2XxsDot.TableSigns);
        if (IqSignMasks.IsSupported) Compare(GgmlType.IQ2_XXS, 66, &Iq2XxsDot.Portable, &Iq2XxsDot.ByteSigns);
        if (Avx512BW.IsSupported) Compare(GgmlType.IQ2_XXS, 66, &Iq2XxsDot.Portable, &Iq2XxsDot.TablePairs);
    }

    [Fact]
    public void Iq3XxsVariantsEqualThePortableSums()
    {
        if (!Avx2.IsSupported) return;
        Compare(GgmlType.IQ3_XXS, 98, &Iq3XxsDot.Portable, &Iq3XxsDot.TableSigns);
        if (IqSignMasks.IsSupported) Compare(GgmlType.IQ3_XXS, 98, &Iq3XxsDot.Portable, &Iq3XxsDot.ByteSigns);
        if (Avx512BW.IsSupported) Compare(GgmlType.IQ3_XXS, 98, &Iq3XxsDot.Portable, &Iq3XxsDot.TablePairs);
    }

    [Fact]
    public void Iq2XsVariantsEqualThePortableSums()
    {
        if (!Avx2.IsSupported) return;
        Compare(GgmlType.IQ2_XS, 74, &Iq2XsDot.Portable, &Iq2XsDot.TableSigns);
        if (IqSignMasks.IsSupported) Compare(GgmlType.IQ2_XS, 74, &Iq2XsDot.Portable, &Iq2XsDot.ByteSigns);
    }

    /// <summary>Random blocks plus extreme ones (every byte 0xFF, every byte 0x80) times random and ±1 activations.</summary>
    private static void Compare(GgmlType type, int blockBytes, delegate*<byte*, sbyte*, short*, BlockSums> portable, delegate*<byte*, sbyte*, short*, BlockSums> variant)
    {
        var random = new Random(17 + (int)type);
        const int blocks = 64, n = 256 * blocks;
        var weights = new byte[blockBytes * blocks];
        SyntheticBlocks.Fill(type, weights, random);
        Array.Fill(weights, (byte)0xFF, 0, blockBytes);
        Array.Fill(weights, (byte)0x80, blockBytes, blockBytes);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = SyntheticBlocks.Gaussian(random) * (i % 300 == 0 ? 40f : 1f);
        for (int i = 0; i < 512; i++) x[i] = i % 2 == 0 ? 1f : -1f;
        var scratch = new ScratchBuffer();
        var activation = ActivationRow.Quantize(GgmlType.Q8_K, x, scratch.Get(ActivationRow.BufferBytes(GgmlType.Q8_K, n)));
        fixed (byte* w = weights)
        {
            for (int b = 0; b < blocks; b++)
            {
                byte* wb = w + blockBytes * b;
                sbyte* xb = activation.Codes + 256 * b;
                short* sums = activation.GroupSums + 16 * b;
                Assert.True(portable(wb, xb, sums) == variant(wb, xb, sums), $"{type} block {b}");
            }
        }
        GC.KeepAlive(scratch);
    }
}
