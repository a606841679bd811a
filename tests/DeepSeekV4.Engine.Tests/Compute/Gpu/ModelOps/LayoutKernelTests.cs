using DeepSeekV4.Engine.Compute.Gpu;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu.ModelOps;

/// <summary>
/// Scale, add, strided copies and AttentionLayer's group-major gather and scatter of the output groups, exact: each
/// value is one float operation or a copy. The expected group layouts are AttentionLayer's copy loops, restated.
/// </summary>
[Trait("Category", "GpuSimulator")]
public sealed class LayoutKernelTests
{
    public static TheoryData<GpuDeviceKind, int> Devices() => GpuTestDevices.All();

    [Theory]
    [MemberData(nameof(Devices))]
    public void ScaleAndAddAreElementwise(GpuDeviceKind kind, int index)
    {
        var random = new Random(30);
        var x = Expect.Gaussian(random, 37);
        var y = Expect.Gaussian(random, 37);
        using var d = new DeviceArrays(GpuDevices.Get(kind, index));
        var ops = new GpuModelOps(d.Gpu);
        var gx = d.Upload(x);
        ops.Scale(gx, 30, 0.3f);
        ops.Add(gx, d.Upload(y), 20);
        var expected = x.Select((v, i) => i < 30 ? v * 0.3f : v).Select((v, i) => i < 20 ? v + y[i] : v).ToArray();
        Expect.SameBits(expected, d.Read(gx), "scale+add");
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void CopyRowsHonoursBothStrides(GpuDeviceKind kind, int index)
    {
        const int rows = 4, cols = 5, sourceStride = 7, destinationStride = 9;
        var source = Expect.Gaussian(new Random(31), rows * sourceStride);
        var expected = Enumerable.Repeat(-1f, rows * destinationStride).ToArray();
        for (int r = 0; r < rows; r++) source.AsSpan(r * sourceStride, cols).CopyTo(expected.AsSpan(r * destinationStride, cols));
        using var d = new DeviceArrays(GpuDevices.Get(kind, index));
        var destination = d.Upload(Enumerable.Repeat(-1f, rows * destinationStride).ToArray());
        new GpuModelOps(d.Gpu).CopyRows(d.Upload(source), sourceStride, destination, destinationStride, rows, cols);
        Expect.SameBits(expected, d.Read(destination), "copy");
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void GroupGatherAndScatterMatchAttentionLayersLoops(GpuDeviceKind kind, int index)
    {
        const int tokens = 3, groups = 4, groupWidth = 6, rank = 5;
        var random = new Random(32);
        var output = Expect.Gaussian(random, tokens * groups * groupWidth);
        var groupOutput = Expect.Gaussian(random, groups * tokens * rank);
        var byGroup = new float[output.Length];
        var lowRank = new float[groupOutput.Length];
        for (int g = 0; g < groups; g++)
            for (int t = 0; t < tokens; t++)
                output.AsSpan(t * groups * groupWidth + g * groupWidth, groupWidth).CopyTo(byGroup.AsSpan((g * tokens + t) * groupWidth, groupWidth));
        for (int g = 0; g < groups; g++)
            for (int t = 0; t < tokens; t++)
                groupOutput.AsSpan((g * tokens + t) * rank, rank).CopyTo(lowRank.AsSpan(t * groups * rank + g * rank, rank));

        using var d = new DeviceArrays(GpuDevices.Get(kind, index));
        var ops = new GpuModelOps(d.Gpu);
        var gathered = d.Zeros(byGroup.Length);
        var scattered = d.Zeros(lowRank.Length);
        ops.GatherGroups(d.Upload(output), gathered, tokens, groups, groupWidth);
        ops.ScatterGroups(d.Upload(groupOutput), scattered, groups, tokens, rank);
        Expect.SameBits(byGroup, d.Read(gathered), "gather");
        Expect.SameBits(lowRank, d.Read(scattered), "scatter");
    }
}
