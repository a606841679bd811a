using ILGPU;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// The process-wide ILGPU context, created once on first use: CUDA devices, OpenCL devices ILGPU can drive (those with
/// the generic address space), and the CPU simulator. It lives as long as the process: ILGPU compiles and caches
/// kernels per context, so one context means each kernel is compiled once.
/// </summary>
internal static class GpuContext
{
    /// <summary>
    /// The simulator's shape: warps of 4 threads, 4 warps per group, 2 multiprocessors. Small on purpose: the CPU
    /// accelerator runs every simulated thread, so the kernels' warp logic is exercised at a fraction of the cost of 32-wide warps.
    /// </summary>
    public static readonly CPUDevice SimulatorDevice = new(numThreadsPerWarp: 4, numWarpsPerMultiprocessor: 4, numMultiprocessors: 2);

    private static readonly Lazy<Context> Shared = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    public static Context Instance => Shared.Value;

    /// <summary>A context of one's own (for compiling to PTX in isolation, or a test that expects a compile failure).</summary>
    public static Context Create()
    {
        GpuNativeLibraries.Register();
        return Context.Create(builder => builder
            .Cuda()
            .OpenCL(UsableOpenCl)
            .CPU(SimulatorDevice)
            .Optimize(OptimizationLevel.O2));
    }

    /// <summary>ILGPU's OpenCL backend needs the generic address space (OpenCL 2.0); PoCL 3.1, for one, lacks it.</summary>
    private static bool UsableOpenCl(CLDevice device) => device.Capabilities.GenericAddressSpace;
}
