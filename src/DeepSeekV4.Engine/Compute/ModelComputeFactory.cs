using DeepSeekV4.Engine.Compute.Cpu;
using DeepSeekV4.Engine.Compute.Gpu;
using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Compute;

/// <summary>Chooses the backend of a model load from the asked <see cref="ComputeDevice"/>.</summary>
internal static class ModelComputeFactory
{
    /// <summary>
    /// The accelerator a load is to use, or null for the CPU. <see cref="ComputeDevice.Auto"/> takes CUDA device
    /// <paramref name="deviceId"/> when the machine has CUDA devices, else the CPU, and tells <paramref name="onChosen"/>
    /// which and why; an asked device that is absent is a <see cref="GpuDeviceUnavailableException"/> naming it.
    /// </summary>
    public static GpuAccelerator? Resolve(ComputeDevice device, int deviceId, Action<string>? onChosen)
    {
        switch (device)
        {
            case ComputeDevice.Cpu:
                return null;
            case ComputeDevice.Auto:
                if (!GpuDevices.List().Any(d => d.Kind == GpuDeviceKind.Cuda))
                {
                    onChosen?.Invoke($"device Auto: {GpuDevices.CudaAbsenceReason()}; the model runs on the CPU");
                    return null;
                }
                var cuda = GpuDevices.Get(GpuDeviceKind.Cuda, deviceId);
                onChosen?.Invoke($"device Auto: {cuda}");
                return cuda;
            default:
                var gpu = GpuDevices.Get(device switch
                {
                    ComputeDevice.Cuda => GpuDeviceKind.Cuda,
                    ComputeDevice.OpenCL => GpuDeviceKind.OpenCL,
                    _ => GpuDeviceKind.Simulator,
                }, deviceId);
                onChosen?.Invoke($"device {device}: {gpu}");
                return gpu;
        }
    }

    public static IModelCompute Create(DeepSeekV4Model model, GpuAccelerator? gpu) =>
        gpu is null ? new CpuModelCompute(model) : GpuModelCompute.Create(model, gpu);
}
