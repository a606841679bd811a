using DeepSeekV4.Engine.Compute;

namespace DeepSeekV4.Cli;

/// <summary>
/// The `--device auto|cpu|cuda[:N]|opencl[:N]|gpu-simulator` value of every command that runs the model (case-insensitive;
/// default auto: a CUDA device when there is one, else the CPU).
/// </summary>
public static class DeviceOption
{
    public const string Usage = "[--device auto|cpu|cuda[:N]|opencl[:N]|gpu-simulator]";

    public static (ComputeDevice Device, int Id) Parse(string? text)
    {
        if (text == null) return (ComputeDevice.Auto, 0);
        string name = text.ToLowerInvariant();
        int id = 0;
        int colon = name.IndexOf(':');
        if (colon >= 0)
        {
            if (!int.TryParse(name.AsSpan(colon + 1), out id) || id < 0)
                throw new CliUsageException($"--device: '{text}' has no device number after ':' (e.g. cuda:1)");
            name = name[..colon];
        }
        var device = name switch
        {
            "auto" => ComputeDevice.Auto,
            "cpu" => ComputeDevice.Cpu,
            "cuda" => ComputeDevice.Cuda,
            "opencl" => ComputeDevice.OpenCL,
            "gpu-simulator" => ComputeDevice.GpuSimulator,
            _ => throw new CliUsageException($"--device: '{text}' is not one of auto, cpu, cuda[:N], opencl[:N], gpu-simulator"),
        };
        return (device, id);
    }
}
