using DeepSeekV4.Engine.Compute.Gpu;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu.ModelOps;

/// <summary>Bad arguments are refused before anything is launched, with messages that name the argument and the numbers.</summary>
[Trait("Category", "GpuSimulator")]
public sealed class GpuModelOpsArgumentTests
{
    private static void Refused<TException>(Action call, params string[] parts) where TException : Exception
    {
        var e = Assert.ThrowsAny<TException>(call);
        foreach (var part in parts) Assert.Contains(part, e.Message);
    }

    [Fact]
    public void ShortBuffersAndBadShapesAreRefusedWithTheNumbers()
    {
        using var d = new DeviceArrays(GpuDevices.Get(GpuDeviceKind.Simulator));
        var ops = new GpuModelOps(d.Gpu);
        var ten = d.Zeros(10);
        Refused<ArgumentException>(() => ops.RmsNormRows(ten, 3, 4, default, 1e-6f), "x", "12", "10");
        Refused<ArgumentException>(() => ops.RmsNormRows(d.Zeros(12), 3, 4, d.Zeros(3), 1e-6f), "weight", "4", "3");
        Refused<ArgumentOutOfRangeException>(() => ops.Rotate(ten, 1, 10, 0, 5, ten, ten, 1, false), "ropeDim", "5");
        Refused<ArgumentException>(() => ops.Rotate(ten, 1, 10, 4, 8, ten, ten, 1, false), "[4, 12)", "10");
        Refused<ArgumentException>(() => ops.Hadamard(d.Zeros(48), 1, 48), "48", "power of two");
        Refused<ArgumentException>(() => ops.SimulateFp8(d.Zeros(100), 1, 100, 100, 32), "100", "32");
        Refused<ArgumentException>(() => ops.SimulateFp4(ten, 2, 10, 8, 4), "source", "18", "10");
        Refused<ArgumentException>(() => ops.Route(ten, 1, 2, 3, ten, default, default, true, 1f, d.Upload(new int[3]), ten), "3", "2");
        Refused<ArgumentException>(() => ops.Route(d.Zeros(8), 1, 8, 2, default, d.Upload(new int[5]), d.Upload(new int[1]), true, 1f, d.Upload(new int[2]), ten),
            "5", "k = 2");
        Refused<ArgumentOutOfRangeException>(() => ops.SwiGlu(ten, ten, 2, 5, -1f, default), "clamp", "-1");
        Refused<ArgumentException>(() => ops.ScatterAddSlots(ten, 2, 3, 4, ten), "down", "24", "10");
        Refused<ArgumentOutOfRangeException>(() => ops.Scale(ten, 0, 2f), "n");
    }

    [Fact]
    public void ExpertUploadsMustFillTheirShape()
    {
        var gpu = GpuDevices.Get(GpuDeviceKind.Simulator);
        Refused<ArgumentException>(() => gpu.UploadExperts(GgmlType.Q8_0, 3, 2, 64, new byte[3 * 2 * 68 - 1]), "Q8_0", "3 × [2 × 64]", "408", "407");
        Refused<ArgumentException>(() => gpu.UploadExperts(GgmlType.Q8_0, 3, 2, 48, new byte[3 * 2 * 51]), "48", "32");
        Refused<NotSupportedException>(() => gpu.UploadExperts(GgmlType.Q5_K, 1, 1, 256, new byte[176]), "Q5_K");
    }

    [Fact]
    public void ExpertProductNeedsInputRowsForEverySlot()
    {
        using var d = new DeviceArrays(GpuDevices.Get(GpuDeviceKind.Simulator));
        using var experts = d.Gpu.UploadExperts(GgmlType.F32, 2, 3, 8, new byte[2 * 3 * 8 * 4]);
        var ops = new GpuModelOps(d.Gpu);
        Refused<ArgumentException>(() => ops.ExpertProduct(experts, d.Upload(new int[4]), 4, d.Zeros(8), 2, d.Zeros(12)), "x", "2 input rows", "16", "8");
        Refused<ArgumentException>(() => ops.ExpertProduct(experts, d.Upload(new int[4]), 4, d.Zeros(32), 1, d.Zeros(11)), "y", "12", "11");
    }
}
