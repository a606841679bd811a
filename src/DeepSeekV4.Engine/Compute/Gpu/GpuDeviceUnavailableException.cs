namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// An accelerator that was asked for cannot be used: no CUDA driver, no such device, a device ILGPU cannot drive, or a
/// failure while opening it. The message names the device; <see cref="Device"/> is what was asked for.
/// </summary>
public sealed class GpuDeviceUnavailableException(string device, string message, Exception? inner = null)
    : InvalidOperationException(message, inner)
{
    /// <summary>The device as asked for, e.g. "cuda:0".</summary>
    public string Device { get; } = device;
}
