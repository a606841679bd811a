using DeepSeekV4.Engine.Compute.Gpu;
using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu.ModelOps;

/// <summary>
/// RMS normalization of rows (and of head segments: rows × dim with one weight per dim) against RmsNorm.Apply /
/// Normalize. Both compute Σx² in float in their own order (relative error ≤ n·u each), then the same float operations
/// (/n, +eps, √, 1/·, ·x, ·w: a few u): so |gpu − cpu| ≤ (n + 8)·u·|cpu| (+ the smallest normal for zero rows).
/// </summary>
[Trait("Category", "GpuSimulator")]
public sealed class RmsNormKernelTests
{
    public static TheoryData<GpuDeviceKind, int> Devices() => GpuTestDevices.All();

    [Theory]
    [MemberData(nameof(Devices))]
    public void RowsMatchTheCpuWithAndWithoutAWeight(GpuDeviceKind kind, int index)
    {
        using var d = new DeviceArrays(GpuDevices.Get(kind, index));
        var ops = new GpuModelOps(d.Gpu);
        var random = new Random(6);
        foreach (int dim in new[] { 1, 7, 200 })
        {
            foreach (bool weighted in new[] { true, false })
            {
                const int rows = 5;
                var x = Expect.Gaussian(random, rows * dim);
                for (int i = 0; i < dim; i++)
                {
                    x[i] *= 1e17f;       // large magnitudes (Σx² near 10^36)
                    x[dim + i] = 0f;     // a zero row
                    x[2 * dim + i] *= 1e-20f;
                }
                var weight = Expect.Gaussian(random, dim);
                var expected = (float[])x.Clone();
                const float eps = 1e-6f;
                for (int r = 0; r < rows; r++)
                {
                    var row = expected.AsSpan(r * dim, dim);
                    if (weighted) RmsNorm.Apply(row, weight, eps);
                    else RmsNorm.Normalize(row, eps);
                }
                var view = d.Upload(x);
                ops.RmsNormRows(view, rows, dim, weighted ? d.Upload(weight) : default, eps);
                var actual = d.Read(view);
                for (int i = 0; i < actual.Length; i++)
                    Expect.Within(expected[i], actual[i], (dim + 8) * Expect.U * Math.Abs(expected[i]) + 1.2e-38, $"dim {dim} weighted {weighted} [{i}]");
            }
        }
    }
}
