using System.Runtime.InteropServices;
using DeepSeekV4.Engine.Tensors;
using DeepSeekV4.Engine.Tensors.Kernels;

namespace DeepSeekV4.Engine.Tests.Tensors.Kernels;

/// <summary>
/// Every SIMD path of every fused kernel against the portable path, on seeded random blocks, odd lengths and edge
/// values. Integer kernels must agree bit for bit (their integer sums are exact and their float steps are done in one
/// fixed order on every path); float kernels within the float32 summation bound.
/// </summary>
public unsafe class KernelPathTests
{
    public static readonly GgmlType[] IntegerKernelTypes =
    [
        GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.MXFP4, GgmlType.Q2_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K,
        GgmlType.IQ2_XXS, GgmlType.IQ2_XS, GgmlType.IQ3_XXS, GgmlType.IQ4_XS,
    ];
    public static readonly GgmlType[] FloatKernelTypes = [GgmlType.F32, GgmlType.F16, GgmlType.BF16];

    public static TheoryData<GgmlType, KernelPath> SimdPaths()
    {
        var data = new TheoryData<GgmlType, KernelPath>();
        foreach (var type in IntegerKernelTypes.Concat(FloatKernelTypes))
            foreach (var path in new[] { KernelPath.Avx2, KernelPath.Avx512 }.Where(KernelIsa.IsSupported))
                data.Add(type, path);
        return data;
    }

    /// <summary>Row lengths: one block, odd block counts around the SIMD group sizes, and a long row.</summary>
    internal static IEnumerable<int> Lengths(GgmlType type)
    {
        int bs = GgmlTypeInfo.Of(type).BlockSize;
        int[] blocks = bs == 1 ? [1, 7, 15, 16, 17, 31, 63, 64, 65, 129, 4099] : bs == 32 ? [1, 7, 8, 9, 15, 17, 33, 128] : [1, 2, 3, 5, 16];
        return blocks.Select(b => b * bs);
    }

    [Theory]
    [MemberData(nameof(SimdPaths))]
    public void SimdPathMatchesPortableOnRandomRows(GgmlType type, KernelPath path)
    {
        var random = new Random(7 + (int)type);
        foreach (int n in Lengths(type))
        {
            for (int trial = 0; trial < 4; trial++)
            {
                var row = new byte[GgmlTypeInfo.Of(type).RowBytes(n)];
                SyntheticBlocks.Fill(type, row, random);
                var x = new float[n];
                for (int i = 0; i < n; i++) x[i] = SyntheticBlocks.Gaussian(random) * (trial == 3 ? 1e4f : 1f);
                Compare(type, path, row, x, $"n={n} trial {trial}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(SimdPaths))]
    public void SimdPathMatchesPortableOnEdgeValues(GgmlType type, KernelPath path)
    {
        var info = GgmlTypeInfo.Of(type);
        int n = info.BlockSize == 1 ? 67 : info.BlockSize * 9;
        var random = new Random(99);
        foreach (byte fill in new byte[] { 0x00, 0xFF, 0x80, 0x7F, 0x3C, 0x01 })
        {
            // Every byte the same: extreme codes (e.g. Q8_0 −128 or 127), all signs set, zero or tiny scales.
            var row = Enumerable.Repeat(fill, (int)info.RowBytes(n)).ToArray();
            if (!AllFinite(type, row, n)) continue;
            foreach (var x in EdgeActivations(n, random))
                if (AbsDot(type, row, x) < float.MaxValue / 4) Compare(type, path, row, x, $"fill 0x{fill:x2}");
        }
    }

    internal static IEnumerable<float[]> EdgeActivations(int n, Random random)
    {
        yield return new float[n];
        yield return Enumerable.Repeat(1f, n).ToArray();
        yield return Enumerable.Range(0, n).Select(i => i % 2 == 0 ? -3.5f : 3.5f).ToArray();
        yield return Enumerable.Range(0, n).Select(i => i % 32 == 0 ? 1e30f : SyntheticBlocks.Gaussian(random)).ToArray();
        yield return Enumerable.Range(0, n).Select(i => SyntheticBlocks.Gaussian(random) * 1e-30f).ToArray();
    }

    internal static bool AllFinite(GgmlType type, byte[] row, int n)
    {
        var values = new float[n];
        Dequantizer.DequantizeRow(type, row, values);
        return values.All(float.IsFinite);
    }

    private static void Compare(GgmlType type, KernelPath path, byte[] row, float[] x, string label)
    {
        float portable = Run(type, KernelPath.Portable, row, x);
        float simd = Run(type, path, row, x);
        if (IntegerKernelTypes.Contains(type))
        {
            Assert.True(BitConverter.SingleToUInt32Bits(portable) == BitConverter.SingleToUInt32Bits(simd),
                $"{type} {path} {label}: {simd:R} vs portable {portable:R}");
            return;
        }
        double abs = AbsDot(type, row, x);
        // Each result is within γ(n+1)·Σ|w·x| of the exact sum, so they are within twice that of each other.
        double ku = (x.Length + 1) * Math.Pow(2, -24);
        double bound = 2 * ku / (1 - ku) * abs;
        Assert.True(Math.Abs((double)simd - portable) <= bound, $"{type} {path} {label}: {simd:R} vs portable {portable:R}, bound {bound:G3}");
    }

    /// <summary>Σ|w·x| in double, from the dequantized row.</summary>
    internal static double AbsDot(GgmlType type, byte[] row, float[] x)
    {
        var w = new float[x.Length];
        Dequantizer.DequantizeRow(type, row, w);
        double abs = 0;
        for (int i = 0; i < w.Length; i++) abs += Math.Abs((double)w[i] * x[i]);
        return abs;
    }

    /// <summary>One row dotted on one kernel path, with activations prepared as MatrixProducts prepares them.</summary>
    internal static float Run(GgmlType type, KernelPath path, byte[] row, float[] x)
    {
        var format = Dequantizer.FormatOf(type);
        var buffer = new ScratchBuffer();
        var activation = ActivationRow.Quantize(format.DotActivation, x, buffer.Get(ActivationRow.BufferBytes(format.DotActivation, x.Length)));
        float result;
        fixed (byte* w = row) result = format.DotRow(path, w, activation, x.Length);
        GC.KeepAlive(buffer); // it owns the activation memory
        return result;
    }
}
