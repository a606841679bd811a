using DeepSeekV4.Engine.Compute.Gpu;
using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.Engine.Compute;

/// <summary>Which device an estimate or a load means, and the memory it offers.</summary>
public static class DeviceMemory
{
    /// <summary>
    /// The device's id ("cpu", "cuda:0", …) and its memory: <paramref name="given"/> when the caller states it (a device
    /// need not be present then, so a plan for another machine can be checked), else the device's own (for the CPU, the
    /// memory available to this process). A device that is asked for and absent is a
    /// <see cref="GpuDeviceUnavailableException"/> naming it.
    /// </summary>
    public static (string Id, long Bytes) Resolve(ComputeDevice device, int index, long? given)
    {
        var devices = device == ComputeDevice.Cpu ? [] : GpuDevices.List();
        if (device == ComputeDevice.Auto) device = devices.Any(d => d.Kind == GpuDeviceKind.Cuda) ? ComputeDevice.Cuda : ComputeDevice.Cpu;
        if (device == ComputeDevice.Cpu) return ("cpu", given ?? AvailableMemory.Query());
        var kind = device switch
        {
            ComputeDevice.Cuda => GpuDeviceKind.Cuda,
            ComputeDevice.OpenCL => GpuDeviceKind.OpenCL,
            _ => GpuDeviceKind.Simulator,
        };
        string id = $"{kind.ToString().ToLowerInvariant()}:{index}";
        if (given is { } bytes) return (id, bytes);
        if (devices.FirstOrDefault(d => d.Kind == kind && d.Index == index) is { } found) return (id, found.MemoryBytes);
        string why = kind == GpuDeviceKind.Cuda && !devices.Any(d => d.Kind == kind)
            ? GpuDevices.CudaAbsenceReason()
            : "no such device (Get-DSDevice / dsv4 devices lists them)";
        throw new GpuDeviceUnavailableException(id, $"{id}: {why}; give -DeviceMemory to plan for a device that is not here");
    }
}
