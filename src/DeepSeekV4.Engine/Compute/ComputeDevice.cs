namespace DeepSeekV4.Engine.Compute;

/// <summary>Where a model's weights and KV cache are to live: the CPU, or an accelerator of the GPU backend.</summary>
public enum ComputeDevice
{
    /// <summary>A CUDA device when one is present, else the CPU.</summary>
    Auto,
    Cpu,
    Cuda,
    OpenCL,
    /// <summary>ILGPU's CPU accelerator, which runs the GPU kernels on the CPU (for tests).</summary>
    GpuSimulator,
}
