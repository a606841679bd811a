using DeepSeekV4.Engine.Compute.Gpu;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu.ModelOps;

/// <summary>
/// The FP8/FP4 simulations, the activation rounding and the Hadamard transform on the device against the CPU code, bit
/// for bit, on random rows and edge rows: zeros and −0, subnormals, a block of huge values beside tiny ones, every e4m3
/// tie at scale 1, and a block holding NaN and ∞ (scale 2^127). Values past the rounded dims of a row stay untouched.
/// </summary>
[Trait("Category", "GpuSimulator")]
public sealed class BlockRoundingKernelTests
{
    public static TheoryData<GpuDeviceKind, int> Devices() => GpuTestDevices.All();

    /// <summary>Rows of <paramref name="stride"/> values: random at several scales, then the edge rows.</summary>
    private static float[] Rows(int rows, int stride, int blockSize, float max, Random random)
    {
        var x = new float[rows * stride];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < stride; i++) x[r * stride + i] = global::DeepSeekV4.Engine.Tensors.SyntheticBlocks.Gaussian(random) * MathF.Pow(10, r % 5 - 2);
        var edge = x.AsSpan((rows - 1) * stride, stride);
        edge.Clear();
        edge[1] = -0f;
        edge[2] = float.Epsilon;
        edge[3] = -1e-39f;
        // Second block: the format's max (scale 1) and the midpoints between its neighbouring values (ties).
        var ties = edge.Slice(blockSize, blockSize);
        ties[0] = max;
        var values = max == Fp8E4M3.Max
            ? Enumerable.Range(0, 0x7F).Select(c => Fp8E4M3.Decode((byte)c)).ToArray()
            : Enumerable.Range(0, 8).Select(Fp4E2M1.Decode).ToArray();
        for (int i = 1; i < blockSize; i++)
        {
            int j = i % (values.Length - 1);
            ties[i] = (values[j] + values[j + 1]) / 2 * (i % 2 == 0 ? 1 : -1);
        }
        // Third block: huge and tiny together; fourth: NaN and ∞.
        var huge = edge.Slice(2 * blockSize, blockSize);
        for (int i = 0; i < blockSize; i++) huge[i] = i % 3 == 0 ? 3e37f * (i + 1) / blockSize : 1e-30f * i;
        var special = edge.Slice(3 * blockSize, blockSize);
        for (int i = 0; i < blockSize; i++) special[i] = i - blockSize / 2;
        special[1] = float.NaN;
        special[2] = float.PositiveInfinity;
        special[3] = float.NegativeInfinity;
        return x;
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void SimulateFp8MatchesTheCpuBitForBit(GpuDeviceKind kind, int index)
    {
        const int rows = 6, stride = 150, dims = 128, blockSize = 32;
        var x = Rows(rows, stride, blockSize, Fp8E4M3.Max, new Random(1));
        var expected = (float[])x.Clone();
        for (int r = 0; r < rows; r++) Fp8E4M3.Simulate(expected.AsSpan(r * stride, dims), blockSize);
        using var d = new DeviceArrays(GpuDevices.Get(kind, index));
        var view = d.Upload(x);
        new GpuModelOps(d.Gpu).SimulateFp8(view, rows, stride, dims, blockSize);
        Expect.SameBits(expected, d.Read(view), "fp8");
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void SimulateFp4MatchesTheCpuBitForBit(GpuDeviceKind kind, int index)
    {
        const int rows = 6, stride = 70, dims = 64, blockSize = 16;
        var x = Rows(rows, stride, blockSize, Fp4E2M1.Max, new Random(2));
        var expected = (float[])x.Clone();
        for (int r = 0; r < rows; r++) Fp4E2M1.Simulate(expected.AsSpan(r * stride, dims), blockSize);
        using var d = new DeviceArrays(GpuDevices.Get(kind, index));
        var view = d.Upload(x);
        new GpuModelOps(d.Gpu).SimulateFp4(view, rows, stride, dims, blockSize);
        Expect.SameBits(expected, d.Read(view), "fp4");
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void RoundActivationsMatchesTheCpuBitForBitWithAShortLastBlock(GpuDeviceKind kind, int index)
    {
        const int rows = 5, dim = 300; // blocks of 128, 128 and 44
        var x = Rows(rows, dim, 64, Fp8E4M3.Max, new Random(3));
        var expected = ActivationRounding.Round(x, rows, dim, new float[rows * dim]).ToArray();
        using var d = new DeviceArrays(GpuDevices.Get(kind, index));
        var source = d.Upload(x);
        var destination = d.Zeros(rows * dim);
        new GpuModelOps(d.Gpu).RoundActivations(source, destination, rows, dim);
        Expect.SameBits(expected, d.Read(destination), "rounded");
        Expect.SameBits(x, d.Read(source), "source");
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void HadamardMatchesTheCpuBitForBit(GpuDeviceKind kind, int index)
    {
        using var d = new DeviceArrays(GpuDevices.Get(kind, index));
        var ops = new GpuModelOps(d.Gpu);
        var random = new Random(4);
        foreach (int dim in new[] { 1, 2, 64, 512 })
        {
            const int rows = 3;
            var x = Expect.Gaussian(random, rows * dim, 3f);
            x[0] = 1e30f;
            if (dim > 1) x[dim] = -0f;
            var expected = (float[])x.Clone();
            for (int r = 0; r < rows; r++) HadamardTransform.Apply(expected.AsSpan(r * dim, dim));
            var view = d.Upload(x);
            ops.Hadamard(view, rows, dim);
            Expect.SameBits(expected, d.Read(view), $"hadamard {dim}");
        }
    }
}
