using DeepSeekV4.Engine.Tensors;
using DeepSeekV4.Engine.Tensors.Kernels;

namespace DeepSeekV4.Engine.Tests.Tensors.Kernels;

/// <summary>
/// The multi-token products (BlockFormat.MultiplyRows, the block a thread computes in MatMul) on every SIMD path against
/// the portable single-row kernel: for every row range and token count, each output equals the portable DotRow of that
/// row and token — bit for bit for the integer kernels, within the float32 summation bound for the float ones.
/// </summary>
public unsafe class MultiplyRowsTests
{
    public static TheoryData<GgmlType, KernelPath> AllPaths()
    {
        var data = new TheoryData<GgmlType, KernelPath>();
        foreach (var type in KernelPathTests.IntegerKernelTypes.Concat(KernelPathTests.FloatKernelTypes))
            foreach (var path in new[] { KernelPath.Portable, KernelPath.Avx2, KernelPath.Avx512 }.Where(KernelIsa.IsSupported))
                data.Add(type, path);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllPaths))]
    public void EveryOutputEqualsThePortableRowDot(GgmlType type, KernelPath path)
    {
        var info = GgmlTypeInfo.Of(type);
        var random = new Random(1234 + (int)type);
        int[] blockCounts = info.BlockSize == 1 ? [7, 64, 131] : info.BlockSize == 32 ? [1, 8, 9, 17, 40] : [1, 2, 3];
        foreach (int blocks in blockCounts)
        {
            int n = blocks * info.BlockSize;
            const int rows = 13;
            var weights = new byte[rows * info.RowBytes(n)];
            SyntheticBlocks.Fill(type, weights, random);
            foreach (int tokens in new[] { 1, 2, 3, 4, 5, 7, 8, 9 })
            {
                var x = new float[tokens * n];
                for (int i = 0; i < x.Length; i++) x[i] = SyntheticBlocks.Gaussian(random) * (i % 97 == 0 ? 50f : 1f);
                // Rows 2..12 only: the range a pool chunk would get, with rows before it left alone.
                var y = RunRows(type, path, weights, n, rows, x, tokens, begin: 2, end: rows);
                for (int t = 0; t < tokens; t++)
                {
                    for (int r = 0; r < rows; r++)
                    {
                        float actual = y[t * rows + r];
                        if (r < 2)
                        {
                            Assert.True(float.IsNaN(actual), $"{type} {path}: row {r} outside the range was written");
                            continue;
                        }
                        var row = weights.AsSpan(r * (int)info.RowBytes(n), (int)info.RowBytes(n)).ToArray();
                        float expected = KernelPathTests.Run(type, KernelPath.Portable, row, x.AsSpan(t * n, n).ToArray());
                        string label = $"{type} {path} n={n} tokens={tokens} row {r} token {t}";
                        if (KernelPathTests.IntegerKernelTypes.Contains(type))
                            Assert.True(BitConverter.SingleToUInt32Bits(expected) == BitConverter.SingleToUInt32Bits(actual), $"{label}: {actual:R} vs {expected:R}");
                        else
                            Assert.True(Math.Abs(actual - expected) <= 1e-4f * (1 + Math.Abs(expected)) * MathF.Sqrt(n), $"{label}: {actual:R} vs {expected:R}");
                    }
                }
            }
        }
    }

    public static TheoryData<GgmlType, KernelPath> IntegerSimdPaths()
    {
        var data = new TheoryData<GgmlType, KernelPath>();
        foreach (var type in KernelPathTests.IntegerKernelTypes)
            foreach (var path in new[] { KernelPath.Avx2, KernelPath.Avx512 }.Where(KernelIsa.IsSupported))
                data.Add(type, path);
        return data;
    }

    /// <summary>
    /// Offsets of the f16 super-block scales (d, dmin) in the K- and i-quant blocks (ggml's layouts), so rows of one
    /// repeated byte can be given a finite scale of 1.0 and keep their extreme codes, scales and signs.
    /// </summary>
    private static int[] HalfScaleOffsets(GgmlType type) => type switch
    {
        GgmlType.Q2_K => [80, 82],
        GgmlType.Q4_K or GgmlType.Q5_K => [0, 2],
        GgmlType.Q6_K => [208],
        GgmlType.IQ2_XXS or GgmlType.IQ2_XS or GgmlType.IQ3_XXS or GgmlType.IQ4_XS => [0],
        _ => [],
    };

    /// <summary>
    /// Rows of one repeated byte (every code, scale and sign at an extreme; 0xFF and 0x80 also with the f16 scales set
    /// to 1.0) times the edge activations (zeros, all-equal, alternating ±, huge spikes, tiny) as one group of tokens.
    /// </summary>
    [Theory]
    [MemberData(nameof(IntegerSimdPaths))]
    public void EdgeRowsEqualThePortableRowDot(GgmlType type, KernelPath path)
    {
        var info = GgmlTypeInfo.Of(type);
        int n = info.BlockSize * (info.BlockSize == 32 ? 9 : 3);
        int rowBytes = (int)info.RowBytes(n);
        var rows = new List<byte[]>();
        foreach (byte fill in new byte[] { 0x00, 0xFF, 0x80, 0x7F, 0x3C, 0x01 })
        {
            rows.Add(Enumerable.Repeat(fill, rowBytes).ToArray());
            if (fill is 0xFF or 0x80 && HalfScaleOffsets(type).Length > 0)
            {
                var row = Enumerable.Repeat(fill, rowBytes).ToArray();
                for (int b = 0; b < rowBytes / info.BytesPerBlock; b++)
                    foreach (int offset in HalfScaleOffsets(type)) BitConverter.TryWriteBytes(row.AsSpan(b * info.BytesPerBlock + offset), (ushort)0x3C00);
                rows.Add(row);
            }
        }
        rows.RemoveAll(row => !KernelPathTests.AllFinite(type, row, n));
        var tokens = KernelPathTests.EdgeActivations(n, new Random(5)).ToList();
        var weights = rows.SelectMany(row => row).ToArray();
        var x = tokens.SelectMany(t => t).ToArray();
        var y = RunRows(type, path, weights, n, rows.Count, x, tokens.Count, begin: 0, end: rows.Count);
        for (int t = 0; t < tokens.Count; t++)
            for (int r = 0; r < rows.Count; r++)
            {
                if (KernelPathTests.AbsDot(type, rows[r], tokens[t]) >= float.MaxValue / 4) continue;
                float expected = KernelPathTests.Run(type, KernelPath.Portable, rows[r], tokens[t]);
                float actual = y[t * rows.Count + r];
                Assert.True(BitConverter.SingleToUInt32Bits(expected) == BitConverter.SingleToUInt32Bits(actual),
                    $"{type} {path} row {r} (fill 0x{rows[r][^1]:x2}) token {t}: {actual:R} vs {expected:R}");
            }
    }

    private static float[] RunRows(GgmlType type, KernelPath path, byte[] weights, int n, int rows, float[] x, int tokens, int begin, int end)
    {
        var format = Dequantizer.FormatOf(type);
        int rowBytes = (int)GgmlTypeInfo.Of(type).RowBytes(n);
        return RowProductHarness.Run(format.DotActivation, x, tokens, n, rows, (a, y) =>
        {
            fixed (byte* w = weights) format.MultiplyRows(path, w, rowBytes, begin, end, a, tokens, y, rows, n);
        });
    }
}
