using DeepSeekV4.Engine.Compute.Gpu;
using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu.ModelOps;

/// <summary>
/// RoPE on the device against RotaryEmbedding: the rotation of the interleaved pairs of a partial rotary slice (rows
/// sharing an angle row, forward and back; each result is a·c ∓ b·s, two products and a sum: |Δ| ≤ 2u(|a·c| + |b·s|)
/// even if a backend fuses one product into the sum), and the angle tables from positions (plain and YaRN frequencies,
/// positions up to 10^6): cos and sin within one float ulp of the CPU's MathF results (both nearly correctly rounded).
/// </summary>
[Trait("Category", "GpuSimulator")]
public sealed class RotaryKernelTests
{
    public static TheoryData<GpuDeviceKind, int> Devices() => GpuTestDevices.All();

    [Theory]
    [MemberData(nameof(Devices))]
    public void RotationMatchesTheCpuForwardAndBack(GpuDeviceKind kind, int index)
    {
        const int rows = 6, stride = 20, offset = 10, ropeDim = 8, rowsPerAngle = 2, half = ropeDim / 2;
        var random = new Random(7);
        var rope = new RotaryEmbedding(ropeDim, 10000f);
        var cos = new float[rows / rowsPerAngle * half];
        var sin = new float[cos.Length];
        for (int a = 0; a < rows / rowsPerAngle; a++) rope.Angles(5 + 1000 * a, cos.AsSpan(a * half, half), sin.AsSpan(a * half, half));
        using var d = new DeviceArrays(GpuDevices.Get(kind, index));
        var ops = new GpuModelOps(d.Gpu);
        foreach (bool inverse in new[] { false, true })
        {
            var x = Expect.Gaussian(random, rows * stride, 10f);
            x[offset] = 0f;
            x[stride + offset + 1] = 1e20f;
            var expected = (float[])x.Clone();
            for (int r = 0; r < rows; r++)
            {
                int a = r / rowsPerAngle;
                RotaryEmbedding.Rotate(expected.AsSpan(r * stride + offset, ropeDim), cos.AsSpan(a * half, half), sin.AsSpan(a * half, half), inverse);
            }
            var view = d.Upload(x);
            ops.Rotate(view, rows, stride, offset, ropeDim, d.Upload(cos), d.Upload(sin), rowsPerAngle, inverse);
            var actual = d.Read(view);
            for (int r = 0; r < rows; r++)
            {
                for (int i = 0; i < stride; i++)
                {
                    int o = r * stride + i;
                    if (i < offset || i >= offset + ropeDim)
                    {
                        Assert.Equal(x[o], actual[o]);
                        continue;
                    }
                    int pair = (i - offset) / 2, first = r * stride + offset + 2 * pair, angle = r / rowsPerAngle * half + pair;
                    double bound = Math.Abs((double)x[first] * cos[angle]) + Math.Abs((double)x[first + 1] * sin[angle]);
                    Expect.Within(expected[o], actual[o], 2 * Expect.U * bound, $"inverse {inverse} row {r} dim {i}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void AnglesMatchTheCpuWithAndWithoutYarn(GpuDeviceKind kind, int index)
    {
        int[] positions = [0, 1, 3, 7, 1000, 4095, 65535, 131071, 999_999, 1_000_000];
        using var d = new DeviceArrays(GpuDevices.Get(kind, index));
        var ops = new GpuModelOps(d.Gpu);
        foreach (var rope in new[] { new RotaryEmbedding(64, 10000f), new RotaryEmbedding(64, 160000f, originalContext: 4096, factor: 16f) })
        {
            int half = rope.RopeDim / 2;
            var cos = d.Zeros(positions.Length * half);
            var sin = d.Zeros(positions.Length * half);
            ops.AnglesFor(d.Upload(positions), positions.Length, d.Upload(rope.Frequencies), rope.RopeDim, cos, sin);
            var actualCos = d.Read(cos);
            var actualSin = d.Read(sin);
            var expectedCos = new float[half];
            var expectedSin = new float[half];
            for (int t = 0; t < positions.Length; t++)
            {
                rope.Angles(positions[t], expectedCos, expectedSin);
                for (int i = 0; i < half; i++)
                {
                    Expect.Within(expectedCos[i], actualCos[t * half + i], Expect.Ulp(expectedCos[i]), $"cos position {positions[t]} i {i}");
                    Expect.Within(expectedSin[i], actualSin[t * half + i], Expect.Ulp(expectedSin[i]), $"sin position {positions[t]} i {i}");
                }
            }
        }
    }
}
