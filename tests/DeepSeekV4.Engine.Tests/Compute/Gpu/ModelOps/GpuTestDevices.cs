using DeepSeekV4.Engine.Compute.Gpu;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu.ModelOps;

/// <summary>
/// The devices a model-operation test runs on: the simulator always, and every CUDA device when the machine has one
/// (so that `dotnet test --filter FullyQualifiedName~Compute.Gpu` is the device check on a GPU machine).
/// </summary>
internal static class GpuTestDevices
{
    public static IEnumerable<(GpuDeviceKind Kind, int Index)> List() =>
        GpuDevices.List().Where(d => d.Kind is GpuDeviceKind.Simulator or GpuDeviceKind.Cuda).Select(d => (d.Kind, d.Index));

    public static TheoryData<GpuDeviceKind, int> All()
    {
        var data = new TheoryData<GpuDeviceKind, int>();
        foreach (var (kind, index) in List()) data.Add(kind, index);
        return data;
    }

    /// <summary>CUDA may fuse a multiply and an add into one rounding; the simulator runs the C# arithmetic as written.</summary>
    public static bool MayFuse(GpuDeviceKind kind) => kind != GpuDeviceKind.Simulator;
}
