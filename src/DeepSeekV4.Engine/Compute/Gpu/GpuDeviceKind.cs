namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>The kinds of accelerator the GPU backend runs on.</summary>
public enum GpuDeviceKind
{
    /// <summary>An NVIDIA GPU through the CUDA driver.</summary>
    Cuda,
    /// <summary>An OpenCL 2.0+ device with the generic address space (ILGPU's requirement).</summary>
    OpenCL,
    /// <summary>ILGPU's CPU accelerator: runs the GPU kernels on the CPU, slowly; for tests.</summary>
    Simulator,
}
