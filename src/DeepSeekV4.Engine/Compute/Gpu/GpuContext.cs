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
    /// simulator:0, the shape whole models run on: warps of 2 threads, 2 warps per group, 1 multiprocessor. ILGPU's CPU
    /// accelerator runs every simulated thread as an OS thread and every warp shuffle and group step as a barrier
    /// between them, so on a 2-core machine the time per token grows with the threads; this is the smallest shape that
    /// still has several lanes per warp and several warps per group (a decode step of dsv4-tiny with the other core busy: 2.2 s,
    /// against 16 s at 4 × 4 × 2; 0.4 s with both cores free).
    /// </summary>
    public static readonly CPUDevice SimulatorDevice = new(numThreadsPerWarp: 2, numWarpsPerMultiprocessor: 2, numMultiprocessors: 1);

    /// <summary>
    /// simulator:1, a wider shape for the kernel tests: warps of 8 threads (three shuffle levels, so a butterfly runs past
    /// the quarter-warp split of <see cref="Attention.WarpReduce.SumFour"/> as on a 32-wide GPU), 2 warps per group and
    /// 2 multiprocessors running groups side by side.
    /// </summary>
    public static readonly CPUDevice WideSimulatorDevice = new(numThreadsPerWarp: 8, numWarpsPerMultiprocessor: 2, numMultiprocessors: 2);

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
            .CPU(WideSimulatorDevice)
            .Optimize(OptimizationLevel.O2));
    }

    /// <summary>ILGPU's OpenCL backend needs the generic address space (OpenCL 2.0); PoCL 3.1, for one, lacks it.</summary>
    private static bool UsableOpenCl(CLDevice device) => device.Capabilities.GenericAddressSpace;
}
