using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// The accelerators this process can use, and opening one. Each device is opened once per process and shared (see
/// <see cref="GpuAccelerator"/>): its kernels are compiled and loaded once and its lookup tables uploaded once.
/// </summary>
public static class GpuDevices
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, GpuAccelerator> Open = new(StringComparer.Ordinal);

    /// <summary>CUDA devices, then usable OpenCL devices, then the CPU simulator, each with its memory.</summary>
    public static IReadOnlyList<GpuDeviceInfo> List()
    {
        var context = GpuContext.Instance;
        var list = new List<GpuDeviceInfo>();
        int i = 0;
        foreach (var d in context.GetDevices<CudaDevice>())
            list.Add(new(GpuDeviceKind.Cuda, i++, d.Name, d.MemorySize,
                $"{d.Architecture?.ToString() ?? "unknown architecture"}, PTX {d.InstructionSet?.ToString() ?? "?"}, {d.NumMultiprocessors} SMs, driver {d.DriverVersion}"));
        i = 0;
        foreach (var d in context.GetDevices<CLDevice>())
            list.Add(new(GpuDeviceKind.OpenCL, i++, d.Name, d.MemorySize, $"{d.VendorName}, {d.DeviceVersion}, warp {d.WarpSize}"));
        i = 0;
        foreach (var d in context.GetDevices<CPUDevice>())
            list.Add(new(GpuDeviceKind.Simulator, i++, "ILGPU CPU simulator", HostMemory(d.MemorySize),
                $"warp {d.WarpSize}, {d.MaxNumThreadsPerGroup} threads per group, {d.NumMultiprocessors} multiprocessor{(d.NumMultiprocessors == 1 ? "" : "s")}"));
        return list;
    }

    /// <summary>The simulator reports long.MaxValue; what it can really use is the host's memory.</summary>
    private static long HostMemory(long reported) => Math.Min(reported, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);

    /// <summary>Why <see cref="List"/> holds no CUDA device: no driver, or a driver without usable devices.</summary>
    public static string CudaAbsenceReason() => GpuNativeLibraries.CudaDriverPresent()
        ? $"no CUDA device: the driver ({GpuNativeLibraries.CudaDriverFile}) loads but reports no device ILGPU can use"
        : $"no CUDA device: no CUDA driver ({GpuNativeLibraries.CudaDriverFile} cannot be loaded)";

    /// <summary>
    /// The accelerator <paramref name="kind"/>:<paramref name="index"/>, opened on first use and shared afterwards.
    /// Throws <see cref="GpuDeviceUnavailableException"/> naming the device when there is no driver, no such device, or it cannot be opened.
    /// </summary>
    public static GpuAccelerator Get(GpuDeviceKind kind, int index = 0)
    {
        string id = $"{kind.ToString().ToLowerInvariant()}:{index}";
        lock (Gate)
        {
            if (Open.TryGetValue(id, out var open)) return open;
            var device = Find(kind, index, id);
            Accelerator accelerator;
            try
            {
                accelerator = device.CreateAccelerator(GpuContext.Instance);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new GpuDeviceUnavailableException(id, $"{id} ({device.Name}) could not be opened: {e.Message}", e);
            }
            var gpu = new GpuAccelerator(id, device.Name, kind, accelerator);
            Open[id] = gpu;
            return gpu;
        }
    }

    private static Device Find(GpuDeviceKind kind, int index, string id)
    {
        var context = GpuContext.Instance;
        var devices = new List<Device>();
        switch (kind)
        {
            case GpuDeviceKind.Cuda: foreach (var d in context.GetDevices<CudaDevice>()) devices.Add(d); break;
            case GpuDeviceKind.OpenCL: foreach (var d in context.GetDevices<CLDevice>()) devices.Add(d); break;
            default: foreach (var d in context.GetDevices<CPUDevice>()) devices.Add(d); break;
        }
        if (index >= 0 && index < devices.Count) return devices[index];
        throw new GpuDeviceUnavailableException(id, kind switch
        {
            GpuDeviceKind.Cuda when devices.Count == 0 => $"{id}: {CudaAbsenceReason()}; install the NVIDIA driver or use the CPU",
            GpuDeviceKind.Cuda => $"{id}: there are {devices.Count} CUDA device(s) (cuda:0 … cuda:{devices.Count - 1})",
            GpuDeviceKind.OpenCL => $"{id}: {devices.Count} usable OpenCL device(s) (ILGPU needs OpenCL 2.0 with the generic address space; " +
                                    $"the loader is {GpuNativeLibraries.OpenClLoaderFile})",
            _ => $"{id}: there are {devices.Count} simulator device(s)",
        });
    }
}
