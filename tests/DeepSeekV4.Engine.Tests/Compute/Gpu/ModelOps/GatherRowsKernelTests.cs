using DeepSeekV4.Engine.Compute.Gpu;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu.ModelOps;

/// <summary>
/// The embedding gather for every weight type against Dequantizer.DequantizeRow (ggml's dequantization): bit for bit on
/// the simulator, which runs the decoders' float arithmetic as written; on CUDA a decoder's multiply-subtract may be
/// fused (one rounding less), so there each value is within 2^-22 of the row's largest magnitude. Rows of lengths that
/// are not multiples of 8 for the float types, repeated tokens, several copies, and an id outside the table (NaN).
/// </summary>
[Trait("Category", "GpuSimulator")]
public sealed class GatherRowsKernelTests
{
    public static TheoryData<GpuDeviceKind, int, GgmlType> Types()
    {
        var data = new TheoryData<GpuDeviceKind, int, GgmlType>();
        foreach (var (kind, index) in GpuTestDevices.List())
            foreach (var k in GpuWeightKernels.All) data.Add(kind, index, k.Type);
        return data;
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void RowsMatchTheCpuDequantization(GpuDeviceKind kind, int index, GgmlType type)
    {
        var info = GgmlTypeInfo.Of(type);
        int cols = info.BlockSize == 1 ? 45 : info.BlockSize == 32 ? 64 : 256;
        const int rows = 5;
        var blocks = new byte[rows * info.RowBytes(cols)];
        SyntheticBlocks.Fill(type, blocks, new Random(10 + (int)type));
        var table = new float[rows * cols];
        for (int r = 0; r < rows; r++)
            Dequantizer.DequantizeRow(type, blocks.AsSpan((int)(r * info.RowBytes(cols)), (int)info.RowBytes(cols)), table.AsSpan(r * cols, cols));
        int[] tokens = [3, 0, 3, 4, rows];
        using var d = new DeviceArrays(GpuDevices.Get(kind, index));
        using var weights = d.Gpu.Upload(type, rows, cols, blocks);
        var ops = new GpuModelOps(d.Gpu);
        foreach (int copies in new[] { 1, 3 })
        {
            var destination = d.Zeros(tokens.Length * copies * cols);
            ops.GatherRows(weights, d.Upload(tokens), tokens.Length, destination, copies);
            var actual = d.Read(destination);
            for (int t = 0; t < tokens.Length; t++)
            {
                for (int h = 0; h < copies; h++)
                {
                    var got = actual.AsSpan((t * copies + h) * cols, cols).ToArray();
                    string label = $"{info.Name} token {tokens[t]} copy {h}";
                    if (tokens[t] >= rows)
                    {
                        Assert.All(got, v => Assert.True(float.IsNaN(v), label));
                        continue;
                    }
                    var expected = table.AsSpan(tokens[t] * cols, cols).ToArray();
                    if (!GpuTestDevices.MayFuse(kind)) Expect.SameBits(expected, got, label);
                    else
                    {
                        double bound = Math.ScaleB(expected.Max(MathF.Abs), -22);
                        for (int c = 0; c < cols; c++) Expect.Within(expected[c], got[c], bound, $"{label} [{c}]");
                    }
                }
            }
        }
    }
}
