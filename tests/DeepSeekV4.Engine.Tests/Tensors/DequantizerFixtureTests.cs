using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Tests.Tensors;

public class DequantizerFixtureTests
{
    public static TheoryData<string, string> AllTensors()
    {
        var data = new TheoryData<string, string>();
        foreach (var c in GgmlQuantsFixture.Cases)
            foreach (var (tensor, _) in GgmlQuantsFixture.Tensors) data.Add(c, tensor);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllTensors))]
    public void EveryTensorDequantizesBitExactlyToGgmlOutput(string caseName, string tensor)
    {
        using var file = GgufFile.Open(GgmlQuantsFixture.PathOf($"{caseName}.gguf"));
        var view = file.GetTensorView(tensor);
        Assert.Equal(GgmlQuantsFixture.TypeOf(tensor), view.Type);
        Assert.Equal(new long[] { GgmlQuantsFixture.Columns, GgmlQuantsFixture.Rows }, view.Shape);

        var expected = GgmlQuantsFixture.ReadFloats($"{caseName}.{tensor}.dequant.f32");
        var actual = view.ToFloatArray();
        Assert.Equal(expected.Length, actual.Length);
        int mismatches = 0, first = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToUInt32Bits(expected[i]) == BitConverter.SingleToUInt32Bits(actual[i])) continue;
            if (mismatches++ == 0) first = i;
        }
        Assert.True(mismatches == 0,
            $"{caseName}.{tensor}: {mismatches} of {expected.Length} values differ; first at row {first / 512}, column {first % 512}: " +
            $"expected {(first < 0 ? 0 : expected[first]):R} got {(first < 0 ? 0 : actual[first]):R}");
    }

    [Fact]
    public void SourceTensorIsTheSourceFile()
    {
        foreach (var c in GgmlQuantsFixture.Cases)
        {
            using var file = GgufFile.Open(GgmlQuantsFixture.PathOf($"{c}.gguf"));
            Assert.Equal(GgmlQuantsFixture.ReadFloats($"{c}.source.f32"), file.GetTensorView("source").ToFloatArray());
        }
    }

    [Fact]
    public void FixtureCoversEveryTypeTheBriefNames()
    {
        GgmlType[] required =
        [
            GgmlType.F16, GgmlType.BF16, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q8_0,
            GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.Q8_K, GgmlType.IQ1_S,
            GgmlType.IQ1_M, GgmlType.IQ2_XXS, GgmlType.IQ2_XS, GgmlType.IQ2_S, GgmlType.IQ3_XXS, GgmlType.IQ3_S,
            GgmlType.IQ4_NL, GgmlType.IQ4_XS, GgmlType.MXFP4, GgmlType.NVFP4, GgmlType.TQ1_0, GgmlType.TQ2_0,
            GgmlType.Q1_0, GgmlType.Q2_0,
        ];
        Assert.Equal(required.OrderBy(t => t), GgmlQuantsFixture.Tensors.Select(t => t.Type).OrderBy(t => t));
        Assert.All(required, t => Assert.True(Dequantizer.IsSupported(t)));
    }

    [Fact]
    public void UnsupportedTypeIsRefusedByName()
    {
        var e = Assert.Throws<NotSupportedException>(() => Dequantizer.DequantizeRow(GgmlType.Q8_1, new byte[36], new float[32]));
        Assert.Contains("Q8_1", e.Message);
    }

    [Fact]
    public void ShortSourceIsRefusedWithTheNumbers()
    {
        var e = Assert.Throws<ArgumentException>(() => Dequantizer.DequantizeRow(GgmlType.Q4_K, new byte[143], new float[256]));
        Assert.Contains("144", e.Message);
        Assert.Contains("143", e.Message);
    }
}
