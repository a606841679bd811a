using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// Compiles the GPU backend's kernels to PTX without a GPU or a CUDA driver (ILGPU's PTX backend is plain managed code),
/// so every kernel can be checked and inspected on any machine. The instruction set is PTX ISA 7.8 (CUDA 11.8), the
/// oldest that knows sm_90, which Debian's ptxas 11.8 assembles.
/// </summary>
public static class PtxCompiler
{
    public static readonly IReadOnlyList<string> Architectures = ["sm_80", "sm_86", "sm_89", "sm_90"];

    /// <summary>Every kernel compiled for <paramref name="architecture"/> ("sm_80", "sm_90", …).</summary>
    public static IReadOnlyList<PtxKernel> CompileAll(string architecture) => Compile(architecture, GpuKernelCatalog.All);

    /// <summary>The given kernels compiled for <paramref name="architecture"/>.</summary>
    public static IReadOnlyList<PtxKernel> Compile(string architecture, IEnumerable<GpuKernelDescriptor> catalog)
    {
        var arch = Parse(architecture);
        // A context of its own: a failed compile can leave an ILGPU context unusable, and the shared one serves the devices.
        using var context = GpuContext.Create();
        using var backend = new PTXBackend(context, new CudaCapabilityContext(arch), arch, CudaInstructionSet.ISA_78, null);
        var kernels = new List<PtxKernel>();
        foreach (var kernel in catalog)
        {
            var entry = kernel.ExplicitlyGrouped
                ? EntryPointDescription.FromExplicitlyGroupedKernel(kernel.Method)
                : EntryPointDescription.FromImplicitlyGroupedKernel(kernel.Method);
            var compiled = (PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty);
            kernels.Add(new PtxKernel(kernel.Name, compiled.Name, architecture, compiled.PTXAssembly));
        }
        return kernels;
    }

    private static CudaArchitecture Parse(string architecture) => architecture switch
    {
        "sm_80" => CudaArchitecture.SM_80,
        "sm_86" => CudaArchitecture.SM_86,
        "sm_89" => CudaArchitecture.SM_89,
        "sm_90" => CudaArchitecture.SM_90,
        _ => throw new ArgumentException($"unknown CUDA architecture '{architecture}' (one of {string.Join(", ", Architectures)})", nameof(architecture)),
    };
}
