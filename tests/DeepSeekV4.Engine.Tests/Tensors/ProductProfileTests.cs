using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Tests.Tensors;

/// <summary>
/// The product profile: kinds of weight fold layer numbers and slices, calls add up per kind, and MatrixProducts reports
/// each call (with its product count and weight bytes, rows × row bytes) only while a profile is active.
/// </summary>
public class ProductProfileTests
{
    [Theory]
    [InlineData("blk.12.attn_q_b.weight", "blk.#.attn_q_b.weight")]
    [InlineData("blk.3.ffn_gate_exps.weight[5]", "blk.#.ffn_gate_exps.weight")]
    [InlineData("blk.0.attn_output_a.weight[rows 1024..2048]", "blk.#.attn_output_a.weight")]
    [InlineData("output.weight", "output.weight")]
    [InlineData("blk.1a.x.weight", "blk.1a.x.weight")]
    [InlineData("v2.0.weight", "v2.#.weight")]
    public void KindsFoldLayerNumbersAndSlices(string weight, string kind) => Assert.Equal(kind, ProductProfile.KindOf(weight));

    [Fact]
    public void CallsOfOneKindAddUpAndTheSlowestKindComesFirst()
    {
        var profile = new ProductProfile();
        profile.Record("blk.0.a.weight", 1, 100, 10);
        profile.Record("blk.1.a.weight", 3, 300, 30);
        profile.Record("output.weight", 1, 1000, 50);
        var entries = profile.Entries;
        Assert.Equal(["blk.#.a.weight", "output.weight"], entries.Select(e => e.Weight).OrderBy(w => w, StringComparer.Ordinal));
        Assert.Equal("output.weight", entries[0].Weight);
        var a = entries.Single(e => e.Weight == "blk.#.a.weight");
        Assert.Equal((2L, 4L, 400L), (a.Calls, a.Products, a.Bytes));
        Assert.Equal(40.0 / System.Diagnostics.Stopwatch.Frequency, a.Seconds, 15);
        Assert.Equal(400 / a.Seconds, a.BytesPerSecond, 3);
        Assert.Equal(90.0 / System.Diagnostics.Stopwatch.Frequency, profile.ProductSeconds, 15);
    }

    [Fact]
    public void ProductsReportEachCallWhileAProfileIsActiveAndOnlyThen()
    {
        using var a = new NativeTensorBuffer("blk.2.a.weight", GgmlType.Q8_0, [64, 48]);
        using var b = new NativeTensorBuffer("blk.2.b.weight", GgmlType.F16, [64, 16]);
        SyntheticBlocks.Fill(GgmlType.Q8_0, a.Bytes, new Random(1));
        SyntheticBlocks.Fill(GgmlType.F16, b.Bytes, new Random(2));
        var x = new float[3 * 64];
        var y = new float[3 * 64];
        var profile = new ProductProfile();
        MatrixProducts.MatMul(a.View, x, 3, y); // not active: not recorded
        ProductProfile.Active = profile;
        try
        {
            MatrixProducts.MatMul(a.View, x, 3, y);
            MatrixProducts.MatVec(a.View, x, y, 16, 16);
            MatrixProducts.MatMulMany([new(b.View, 0, 1, 0), new(a.View, 64, 2, 16), new(b.View, 128, 1, 112)], x, y);
        }
        finally
        {
            ProductProfile.Active = null;
        }
        MatrixProducts.MatVec(b.View, x, y);

        var entry = Assert.Single(profile.Entries, e => e.Weight == "blk.#.a.weight");
        Assert.Equal((2L, 2L, 48L * a.View.RowBytes + 16L * a.View.RowBytes), (entry.Calls, entry.Products, entry.Bytes));
        var many = Assert.Single(profile.Entries, e => e.Weight == "blk.#.b.weight");
        Assert.Equal((1L, 3L, 2 * b.ByteSize + a.ByteSize), (many.Calls, many.Products, many.Bytes));
        Assert.Equal(2, profile.Entries.Count);
        Assert.All(profile.Entries, e => Assert.True(e.Seconds > 0));
    }
}
