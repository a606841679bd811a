using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Tests.Tensors;

public class QuantizerFixtureTests
{
    /// <summary>The types whose reference quantizer this engine claims to reproduce.</summary>
    private static readonly GgmlType[] Claimed =
    [
        GgmlType.F16, GgmlType.BF16, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q8_0, GgmlType.Q8_K,
        GgmlType.Q1_0, GgmlType.Q2_0, GgmlType.TQ1_0, GgmlType.TQ2_0, GgmlType.MXFP4,
        GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K,
    ];

    public static TheoryData<string, string> ReproducibleTensors()
    {
        var data = new TheoryData<string, string>();
        foreach (var (c, tensor) in GgmlQuantsFixture.ReferenceQuantized)
            if (Claimed.Contains(GgmlQuantsFixture.TypeOf(tensor))) data.Add(c, tensor);
        return data;
    }

    [Fact]
    public void EveryClaimedTypeIsCheckedInEveryCase()
    {
        Assert.Equal(Claimed.Length * GgmlQuantsFixture.Cases.Length, ReproducibleTensors().Count<object[]>());
        Assert.All(Claimed, t => Assert.True(Quantizer.CanQuantize(t), $"{t} has no quantizer"));
    }

    [Theory]
    [MemberData(nameof(ReproducibleTensors))]
    public void ReferenceQuantizerReproducesGgmlBytesRowByRow(string caseName, string tensor)
    {
        using var file = GgufFile.Open(GgmlQuantsFixture.PathOf($"{caseName}.gguf"));
        var view = file.GetTensorView(tensor);
        var source = GgmlQuantsFixture.ReadFloats($"{caseName}.source.f32");
        var row = new byte[view.RowBytes];
        for (int r = 0; r < GgmlQuantsFixture.Rows; r++)
        {
            Quantizer.QuantizeRow(view.Type, source.AsSpan(r * GgmlQuantsFixture.Columns, GgmlQuantsFixture.Columns), row);
            var expected = view.Row(r).ToArray();
            if (view.Type == GgmlType.Q8_K) CopyUnwrittenBsums(expected, row);
            int firstDiff = -1;
            for (int i = 0; i < row.Length; i++)
                if (row[i] != expected[i]) { firstDiff = i; break; }
            Assert.True(firstDiff < 0,
                $"{caseName}.{tensor} row {r}: byte {firstDiff} (block {firstDiff / view.TypeInfo.BytesPerBlock}) is 0x{(firstDiff < 0 ? 0 : row[firstDiff]):x2}, ggml wrote 0x{(firstDiff < 0 ? 0 : expected[firstDiff]):x2}");
        }
    }

    /// <summary>
    /// For an all-zero block ggml's quantize_row_q8_K_ref writes d = 0 and clears qs but leaves bsums as they were (the
    /// fixture's buffer was filled with 0xA5); those 32 bytes carry no information, so they are not compared.
    /// </summary>
    private static void CopyUnwrittenBsums(byte[] expected, byte[] actual)
    {
        for (int b = 0; b < expected.Length / 292; b++)
        {
            if (BitConverter.ToSingle(expected, 292 * b) != 0) continue;
            Assert.All(actual.AsSpan(292 * b + 260, 32).ToArray(), v => Assert.Equal(0, v));
            Array.Copy(expected, 292 * b + 260, actual, 292 * b + 260, 32);
        }
    }

    [Fact]
    public void TypeWithoutReferenceQuantizerIsRefusedByName()
    {
        var e = Assert.Throws<NotSupportedException>(() => Quantizer.QuantizeRow(GgmlType.IQ2_XXS, new float[256], new byte[66]));
        Assert.Contains("IQ2_XXS", e.Message);
    }
}
