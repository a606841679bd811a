using System.Reflection;
using System.Runtime.InteropServices;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// ILGPU imports the CUDA driver and the OpenCL loader by the bare names <c>cuda</c> and <c>OpenCL</c>, which the
/// runtime does not find as installed by the drivers (libcuda.so.1, nvcuda.dll, libOpenCL.so.1, OpenCL.dll). This
/// registers, once per process, a resolver for ILGPU's assembly that maps those names to the drivers' files.
/// </summary>
internal static class GpuNativeLibraries
{
    private static int _registered;

    /// <summary>The file the CUDA driver is loaded from on this OS.</summary>
    public static string CudaDriverFile => OperatingSystem.IsWindows() ? "nvcuda.dll" : OperatingSystem.IsMacOS() ? "libcuda.dylib" : "libcuda.so.1";

    /// <summary>The file the OpenCL ICD loader is loaded from on this OS.</summary>
    public static string OpenClLoaderFile => OperatingSystem.IsWindows() ? "OpenCL.dll" : OperatingSystem.IsMacOS() ? "/System/Library/Frameworks/OpenCL.framework/OpenCL" : "libOpenCL.so.1";

    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) != 0) return;
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(ILGPU.Context).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // The host set its own resolver for ILGPU first; it knows best where the drivers are.
        }
    }

    /// <summary>Whether the CUDA driver library can be loaded at all (to tell "no driver" from "no device").</summary>
    public static bool CudaDriverPresent()
    {
        if (!NativeLibrary.TryLoad(CudaDriverFile, out var handle)) return false;
        NativeLibrary.Free(handle);
        return true;
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        string? file = name switch
        {
            "cuda" or "nvcuda" or "libcuda" => CudaDriverFile,
            "OpenCL" or "opencl" or "libOpenCL" => OpenClLoaderFile,
            _ => null,
        };
        return file != null && NativeLibrary.TryLoad(file, assembly, searchPath, out var handle) ? handle : IntPtr.Zero;
    }
}
