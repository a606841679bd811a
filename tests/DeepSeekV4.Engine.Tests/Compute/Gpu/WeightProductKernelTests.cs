using DeepSeekV4.Engine.Compute.Gpu;
using DeepSeekV4.Engine.Tensors;
using ILGPU;
using ILGPU.Runtime;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu;

/// <summary>
/// Every GPU weight kernel, run on ILGPU's CPU simulator, against the engine's CPU reference: each row dequantized by
/// <see cref="Dequantizer"/> (ggml's dequantization, bit for bit) and dotted with the activations in double precision.
/// Shapes are odd on purpose: 1, 7 and 33 rows (spare warps in the last group, several groups), rows of one block or of a length
/// that is not a multiple of 32 (float types), and 1, 3 and 5 vectors (one pass, a partial pass, and a second pass).
/// Tolerance: 2·n·u·Σ|w_i·x_i| with u = 2^-24 — twice the worst-case error of float32 products summed in any order,
/// n terms; the simulator decodes each weight exactly as the reference does (no contraction to FMA on the CPU), so the
/// only difference is the order of the additions. A wrong decoder misses by a fraction of Σ|w·x| itself.
/// </summary>
[Trait("Category", "GpuSimulator")]
public sealed class WeightProductKernelTests
{
    /// <summary>
    /// Every type on the simulator, and on every CUDA device when the machine has one (so that on a GPU machine
    /// `dotnet test --filter FullyQualifiedName~Compute.Gpu` is the device check; there the decoders' multiply-subtract
    /// may be fused, which moves a weight by at most one rounding, well inside the tolerance).
    /// </summary>
    public static TheoryData<GpuDeviceKind, int, GgmlType> Types()
    {
        var data = new TheoryData<GpuDeviceKind, int, GgmlType>();
        foreach (var device in GpuDevices.List().Where(d => d.Kind is GpuDeviceKind.Simulator or GpuDeviceKind.Cuda))
            foreach (var k in GpuWeightKernels.All) data.Add(device.Kind, device.Index, k.Type);
        return data;
    }

    /// <summary>Row lengths per type: one block, a few blocks, and for the float types lengths that are not multiples of 32.</summary>
    private static int[] Lengths(GgmlTypeInfo info) => info.BlockSize switch
    {
        1 => [1, 45, 200],
        32 => [32, 160],
        _ => [256, 768],
    };

    [Theory]
    [MemberData(nameof(Types))]
    public void ProductsMatchTheCpuDequantization(GpuDeviceKind kind, int index, GgmlType type)
    {
        var gpu = GpuDevices.Get(kind, index);
        var info = GgmlTypeInfo.Of(type);
        var random = new Random(4242 + (int)type);
        foreach (int cols in Lengths(info))
        {
            foreach (int rows in new[] { 1, 7, 33 })
            {
                var blocks = new byte[rows * info.RowBytes(cols)];
                SyntheticBlocks.Fill(type, blocks, random);
                using var weights = gpu.Upload(type, rows, cols, blocks);
                foreach (int count in new[] { 1, 3, 5 })
                {
                    var x = new float[count * cols];
                    for (int i = 0; i < x.Length; i++) x[i] = SyntheticBlocks.Gaussian(random) * (i % 37 == 0 ? 20f : 1f);
                    var y = gpu.Multiply(weights, x, count);
                    Assert.Equal(count * rows, y.Length);
                    var row = new float[cols];
                    for (int r = 0; r < rows; r++)
                    {
                        Dequantizer.DequantizeRow(type, blocks.AsSpan((int)(r * info.RowBytes(cols)), (int)info.RowBytes(cols)), row);
                        for (int t = 0; t < count; t++)
                        {
                            double expected = 0, magnitude = 0;
                            for (int c = 0; c < cols; c++)
                            {
                                double p = (double)row[c] * x[t * cols + c];
                                expected += p;
                                magnitude += Math.Abs(p);
                            }
                            float actual = y[t * rows + r];
                            string label = $"{info.Name} [{rows} × {cols}] × {count}: row {r} vector {t}";
                            Assert.True(float.IsFinite(actual), $"{label}: {actual}");
                            double tolerance = 2.0 * cols * Math.ScaleB(1.0, -24) * magnitude + 1e-30;
                            Assert.True(Math.Abs(actual - expected) <= tolerance,
                                $"{label}: {actual:R} vs {expected:R} (|Δ| {Math.Abs(actual - expected):E3} > {tolerance:E3})");
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void ProductsLeaveTheRestOfTheOutputAlone()
    {
        var gpu = GpuDevices.Get(GpuDeviceKind.Simulator);
        const int rows = 5, cols = 64;
        var blocks = new byte[rows * GgmlTypeInfo.Of(GgmlType.Q8_0).RowBytes(cols)];
        SyntheticBlocks.Fill(GgmlType.Q8_0, blocks, new Random(7));
        using var weights = gpu.Upload(GgmlType.Q8_0, rows, cols, blocks);
        using var x = gpu.Allocate(cols);
        using var y = gpu.Allocate(rows + 3);
        x.View.MemSetToZero();
        y.View.CopyFromCPU(Enumerable.Repeat(float.NaN, rows + 3).ToArray());
        gpu.Multiply(weights, x.View, y.View, 1);
        var result = y.GetAsArray1D();
        Assert.All(result[..rows], v => Assert.Equal(0f, v));
        Assert.All(result[rows..], v => Assert.True(float.IsNaN(v)));
    }

    /// <summary>
    /// Large tensors are copied to the device in chunks (a span holds at most 2 GiB); with chunks of 100 bytes, which
    /// cut blocks and rows anywhere, the device holds the same bytes and the product is the one-copy upload's, bit for bit.
    /// </summary>
    [Fact]
    public unsafe void AnUploadInChunksGivesTheSameProductAsOneCopy()
    {
        var gpu = GpuDevices.Get(GpuDeviceKind.Simulator);
        const int experts = 3, rows = 7, cols = 64;
        var blocks = new byte[experts * rows * GgmlTypeInfo.Of(GgmlType.Q4_K).RowBytes(cols * 4)];
        SyntheticBlocks.Fill(GgmlType.Q4_K, blocks, new Random(11));
        using var whole = gpu.UploadExperts(GgmlType.Q4_K, experts, rows, cols * 4, blocks);
        GpuWeightMatrix chunked;
        fixed (byte* address = blocks) chunked = gpu.UploadExperts(GgmlType.Q4_K, experts, rows, cols * 4, address, blocks.Length, chunkBytes: 100);
        using (chunked)
        {
            Assert.Equal(blocks, chunked.Buffer.GetAsArray1D());
            var x = Enumerable.Range(0, cols * 4).Select(i => MathF.Sin(i)).ToArray();
            using var one = gpu.UploadExperts(GgmlType.Q4_K, 1, rows, cols * 4, blocks.AsSpan(0, (int)whole.ExpertBytes));
            Assert.Equal(gpu.Multiply(one, x, 1), gpu.Multiply(chunked, x, 1));
        }
    }
}
