using DeepSeekV4.Engine.Compute.Gpu;
using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.Cli.Commands;

/// <summary>`dsv4 devices`: the accelerators the GPU backend can use (CUDA, OpenCL, the CPU simulator) with their memory.</summary>
public sealed class DevicesCommand : ICliCommand
{
    public string Name => "devices";
    public string Usage => "devices";

    public int Run(CliArguments args, TextWriter output)
    {
        if (args.Positional.Count != 0) throw new CliUsageException("takes no arguments");
        if (args.Unused().FirstOrDefault() is { } unknown) throw new CliUsageException($"unknown option --{unknown}");
        var devices = GpuDevices.List();
        output.WriteLine("cpu          the CPU backend (SIMD kernels)");
        foreach (var d in devices)
            output.WriteLine($"{d.Id,-12} {d.Name}  {ByteSize.Format(d.MemoryBytes)}  ({d.Detail})");
        if (!devices.Any(d => d.Kind == GpuDeviceKind.Cuda))
            output.WriteLine(GpuDevices.CudaAbsenceReason());
        return 0;
    }
}
