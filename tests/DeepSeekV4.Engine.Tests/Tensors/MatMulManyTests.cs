using System.Runtime.InteropServices;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Tests.Tensors;

/// <summary>
/// Several products in one call: each part's outputs must equal the row-by-row kernel of its own input rows (the
/// definition, independent of the batching), parts that share input rows included, and nothing outside the parts'
/// outputs may be written.
/// </summary>
public class MatMulManyTests
{
    private static readonly (GgmlType Type, int Columns, int Rows, int InputRow, int Tokens)[] Shapes =
    [
        (GgmlType.Q8_0, 1024, 1000, 0, 2),   // above the parallel threshold on its own
        (GgmlType.F16, 1024, 300, 0, 2),     // the same input rows as the first part
        (GgmlType.Q4_K, 256, 64, 2, 3),      // a 256-wide input further on
        (GgmlType.IQ2_XXS, 512, 40, 5, 1),
        (GgmlType.Q8_0, 1024, 32, 0, 0),     // no tokens: nothing to do
    ];

    [Fact]
    public void EveryPartEqualsItsRowByRowProductAndNothingElseIsWritten()
    {
        var random = new Random(11);
        var buffers = Shapes.Select((s, i) => new NativeTensorBuffer($"part{i}", s.Type, [s.Columns, s.Rows])).ToArray();
        try
        {
            foreach (var b in buffers) SyntheticBlocks.Fill(b.View.Type, b.Bytes, random);
            // x holds rows of 1024 floats; a 256- or 512-wide part reads its rows packed from its input offset.
            var x = Enumerable.Range(0, 8 * 1024).Select(_ => SyntheticBlocks.Gaussian(random)).ToArray();
            var parts = new MatrixProducts.ProductPart[Shapes.Length];
            int output = 3; // a gap before the first part's outputs, and between every two
            for (int i = 0; i < Shapes.Length; i++)
            {
                var s = Shapes[i];
                parts[i] = new(buffers[i].View, s.InputRow * 1024, s.Tokens, output);
                output += s.Tokens * s.Rows + 5;
            }
            var y = new float[output];
            Array.Fill(y, float.NaN);

            MatrixProducts.MatMulMany(parts, x, y);

            var written = new bool[y.Length];
            for (int i = 0; i < Shapes.Length; i++)
            {
                var s = Shapes[i];
                var format = Dequantizer.FormatOf(s.Type);
                var activation = new byte[GgmlTypeInfo.Of(format.DotActivation).RowBytes(s.Columns)];
                for (int t = 0; t < s.Tokens; t++)
                {
                    var row = x.AsSpan(s.InputRow * 1024 + t * s.Columns, s.Columns);
                    if (format.DotActivation == GgmlType.F32) MemoryMarshal.AsBytes(row).CopyTo(activation);
                    else Quantizer.QuantizeRow(format.DotActivation, row, activation);
                    for (int r = 0; r < s.Rows; r++)
                    {
                        int at = parts[i].OutputOffset + t * s.Rows + r;
                        Assert.Equal(format.DotRow(buffers[i].View.Row(r), activation, s.Columns), y[at]);
                        written[at] = true;
                    }
                }
            }
            for (int i = 0; i < y.Length; i++)
                if (!written[i]) Assert.True(float.IsNaN(y[i]), $"y[{i}] is outside every part but was written");

            Assert.Equal(0, AllocationProbe.LeastBytesAllocated(() => MatrixProducts.MatMulMany(parts, x, y)));
        }
        finally
        {
            foreach (var b in buffers) b.Dispose();
        }
    }

    [Fact]
    public void APartReachingPastTheInputOrOutputIsRefusedByName()
    {
        using var buffer = new NativeTensorBuffer("w_past", GgmlType.Q8_0, [64, 8]);
        var x = new float[2 * 64];
        var y = new float[16];
        var tooFarIn = Assert.Throws<ArgumentException>(() => MatrixProducts.MatMulMany([new(buffer.View, 64, 2, 0)], x, y));
        Assert.Contains("w_past", tooFarIn.Message);
        var tooFarOut = Assert.Throws<ArgumentException>(() => MatrixProducts.MatMulMany([new(buffer.View, 0, 2, 1)], x, y));
        Assert.Contains("w_past", tooFarOut.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => MatrixProducts.MatMulMany([new(buffer.View, -1, 1, 0)], x, y));
    }

    [Fact]
    public void APartRefusedAfterOthersWereAcceptedLeavesNothingForTheNextCall()
    {
        using var good = new NativeTensorBuffer("w_good", GgmlType.Q8_0, [64, 8]);
        using var odd = new NativeTensorBuffer("w_odd", GgmlType.I32, [64, 8]); // integers: no product kernel
        var random = new Random(3);
        SyntheticBlocks.Fill(GgmlType.Q8_0, good.Bytes, random);
        var x = Enumerable.Range(0, 128).Select(_ => SyntheticBlocks.Gaussian(random)).ToArray();
        var y = new float[16];
        Assert.Throws<NotSupportedException>(() => MatrixProducts.MatMulMany([new(good.View, 0, 1, 0), new(odd.View, 0, 1, 8)], x, y));

        var alone = new float[8];
        Array.Fill(y, float.NaN);
        MatrixProducts.MatVec(good.View, x.AsSpan(0, 64), alone);
        MatrixProducts.MatMulMany([new(good.View, 64, 1, 8)], x, y);
        Assert.All(y.Take(8), v => Assert.True(float.IsNaN(v))); // the refused call's part did not run again
        MatrixProducts.MatVec(good.View, x.AsSpan(64, 64), alone);
        Assert.Equal(alone, y.Skip(8).ToArray());
    }
}
