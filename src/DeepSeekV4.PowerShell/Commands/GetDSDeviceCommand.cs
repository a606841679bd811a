using System.Management.Automation;
using DeepSeekV4.Engine.Compute.Gpu;

namespace DeepSeekV4.PowerShell.Commands;

/// <summary>The accelerators the GPU backend can use (CUDA, OpenCL, ILGPU's CPU simulator), with their memory.</summary>
[Cmdlet(VerbsCommon.Get, "DSDevice")]
[OutputType(typeof(GpuDeviceInfo))]
public sealed class GetDSDeviceCommand : DSCmdlet
{
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public GpuDeviceKind[]? Kind { get; set; }

    protected override void EndProcessing()
    {
        var devices = GpuDevices.List();
        if (!devices.Any(d => d.Kind == GpuDeviceKind.Cuda)) WriteVerbose(GpuDevices.CudaAbsenceReason());
        foreach (var device in devices)
            if (Kind == null || Kind.Contains(device.Kind)) WriteObject(device);
    }
}
