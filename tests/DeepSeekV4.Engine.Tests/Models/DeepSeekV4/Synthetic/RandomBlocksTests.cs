using System.Buffers.Binary;
using DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4.Synthetic;

public class RandomBlocksTests
{
    private static byte[] Fill(GgmlType type, long rowLength, int rows, float mean, float std, ulong seed = 5)
    {
        var tensor = new SyntheticTensor("t", SyntheticTensorRole.Attention, [rowLength, rows], type, mean, std);
        var bytes = new byte[tensor.ByteSize];
        var random = new SyntheticRandom(seed);
        RandomBlocks.Fill(tensor, 0, rows, ref random, bytes);
        return bytes;
    }

    private static (double Mean, double Std) Stats(IReadOnlyList<float> v)
    {
        double m = v.Average(x => (double)x);
        return (m, Math.Sqrt(v.Average(x => (x - m) * (x - m))));
    }

    [Fact]
    public void Q8_0BlocksDecodeToUniformValuesOfTheAskedStd()
    {
        const float std = 0.02f;
        byte[] bytes = Fill(GgmlType.Q8_0, 4096, 16, 0f, std);
        // Q8_0 block: f16 scale d, then 32 int8 quants; value = d * q (ggml's block_q8_0).
        var values = new List<float>();
        for (int b = 0; b < bytes.Length; b += 34)
        {
            float d = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(b));
            for (int i = 0; i < 32; i++)
            {
                sbyte q = (sbyte)bytes[b + 2 + i];
                Assert.InRange(q, -127, 127);
                values.Add(d * q);
            }
        }
        var (mean, s) = Stats(values);
        Assert.InRange(mean, -0.02 * std, 0.02 * std);
        Assert.InRange(s, 0.97 * std, 1.03 * std);
        Assert.InRange(values.Max(Math.Abs), 0.9 * std * Math.Sqrt(3), 1.01 * std * Math.Sqrt(3));
    }

    [Theory]
    [InlineData(GgmlType.F32)]
    [InlineData(GgmlType.F16)]
    public void FloatValuesAreUniformAroundTheMean(GgmlType type)
    {
        byte[] bytes = Fill(type, 256, 64, 1f, 0.1f);
        float[] values = type == GgmlType.F32
            ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray()
            : System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(bytes).ToArray().Select(h => (float)h).ToArray();
        var (mean, std) = Stats(values);
        Assert.InRange(mean, 0.995, 1.005);
        Assert.InRange(std, 0.097, 0.103);
        Assert.All(values, v => Assert.InRange(v, 1 - 0.1734f, 1 + 0.1734f));
    }

    [Fact]
    public void HyperConnectionCombBiasLeansTowardsKeepingEachStream()
    {
        var tensor = new SyntheticTensor("hc_attn_base", SyntheticTensorRole.HyperConnectionBase, [24], GgmlType.F32, 0f, 0.5f);
        var bytes = new byte[96];
        var random = new SyntheticRandom(1);
        RandomBlocks.Fill(tensor, 0, 1, ref random, bytes);
        var v = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes);
        // Entries 8 + 4j + k form the 4×4 comb bias; the diagonal (k = j) gets +2, the rest stays within ±0.87.
        for (int j = 0; j < 4; j++)
            for (int k = 0; k < 4; k++)
                Assert.InRange(v[8 + 4 * j + k], j == k ? 1.13f : -0.87f, j == k ? 2.87f : 0.87f);
    }

    [Theory]
    [InlineData(GgmlType.Q8_0)]
    [InlineData(GgmlType.Q4_K)]
    [InlineData(GgmlType.Q2_K)]
    [InlineData(GgmlType.IQ2_XXS)]
    public void QuantizedBlocksDecodeThroughGgmlsDequantizerToZeroMeanValuesOfTheAskedStd(GgmlType type)
    {
        const float std = 0.02f;
        const int rowLength = 4096, rows = 32;
        byte[] bytes = Fill(type, rowLength, rows, 0f, std);
        var values = new float[rowLength * rows];
        int rowBytes = (int)GgmlTypeInfo.Of(type).RowBytes(rowLength);
        for (int r = 0; r < rows; r++)
            Dequantizer.DequantizeRow(type, bytes.AsSpan(r * rowBytes, rowBytes), values.AsSpan(r * rowLength, rowLength));
        Assert.All(values, v => Assert.True(float.IsFinite(v)));
        var (mean, s) = Stats(values);
        // The scales are f16 and the value sets discrete, so the std lands within a few percent of the target.
        Assert.InRange(mean, -0.03 * std, 0.03 * std);
        Assert.InRange(s, 0.9 * std, 1.1 * std);
    }

    [Theory]
    [InlineData(GgmlType.Q4_K)]
    [InlineData(GgmlType.Q2_K)]
    [InlineData(GgmlType.IQ2_XXS)]
    public void KAndIQuantBlocksAreFullyWrittenAndDeterministic(GgmlType type)
    {
        byte[] a = Fill(type, 4096, 4, 0f, 0.02f, seed: 9);
        byte[] b = Fill(type, 4096, 4, 0f, 0.02f, seed: 9);
        byte[] c = Fill(type, 4096, 4, 0f, 0.02f, seed: 10);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(GgmlTypeInfo.Of(type).RowBytes(4096) * 4, a.Length);
    }

    [Fact]
    public void QuantizedValuesMustBeCentredOnZero()
    {
        var e = Assert.Throws<NotSupportedException>(() => Fill(GgmlType.Q8_0, 32, 1, 1f, 0.1f));
        Assert.Contains("'t'", e.Message);
    }

    [Theory]
    [InlineData(GgmlType.MXFP4, 0.03f)]
    [InlineData(GgmlType.MXFP4, 0.0625f)]
    [InlineData(GgmlType.BF16, 0.05f)]
    public void Mxfp4AndBF16ValuesDecodeToTheAskedStd(GgmlType type, float std)
    {
        byte[] bytes = Fill(type, 4096, 16, 0f, std);
        var values = new float[4096 * 16];
        Dequantizer.DequantizeRow(type, bytes, values);
        var (mean, s) = Stats(values);
        Assert.InRange(mean, -0.02 * std, 0.02 * std);
        Assert.InRange(s, 0.97 * std, 1.03 * std);
    }
}
