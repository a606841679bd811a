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

    private static float[] RunRows(GgmlType type, KernelPath path, byte[] weights, int n, int rows, float[] x, int tokens, int begin, int end)
    {
        var format = Dequantizer.FormatOf(type);
        int rowBytes = (int)GgmlTypeInfo.Of(type).RowBytes(n);
        int activationBytes = (ActivationRow.BufferBytes(format.DotActivation, n) + 63) & ~63;
        var scratch = new ScratchBuffer();
        byte* buffer = scratch.Get((long)tokens * activationBytes);
        var activations = new ActivationRow[tokens];
        for (int t = 0; t < tokens; t++) activations[t] = ActivationRow.Quantize(format.DotActivation, x.AsSpan(t * n, n), buffer + t * activationBytes);
        var y = Enumerable.Repeat(float.NaN, tokens * rows).ToArray();
        fixed (byte* w = weights)
        fixed (ActivationRow* a = activations)
        fixed (float* py = y)
            format.MultiplyRows(path, w, rowBytes, begin, end, a, tokens, py, rows, n);
        GC.KeepAlive(scratch);
        return y;
    }
}
