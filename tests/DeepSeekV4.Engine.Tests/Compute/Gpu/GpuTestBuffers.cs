using DeepSeekV4.Engine.Compute.Gpu;
using ILGPU.Runtime;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu;

/// <summary>Upload and download helpers for kernel tests (each waits for the stream).</summary>
internal static class GpuTestBuffers
{
    public static MemoryBuffer1D<T, ILGPU.Stride1D.Dense> Upload<T>(GpuAccelerator gpu, T[] data) where T : unmanaged =>
        gpu.Run(a =>
        {
            var buffer = a.Allocate1D<T>(Math.Max(1, data.Length));
            if (data.Length > 0) buffer.View.SubView(0, data.Length).CopyFromCPU(a.DefaultStream, data);
            a.Synchronize();
            return buffer;
        });

    public static MemoryBuffer1D<T, ILGPU.Stride1D.Dense> Filled<T>(GpuAccelerator gpu, long length, T value) where T : unmanaged =>
        Upload(gpu, Enumerable.Repeat(value, (int)length).ToArray());

    public static T[] Download<T>(GpuAccelerator gpu, MemoryBuffer1D<T, ILGPU.Stride1D.Dense> buffer) where T : unmanaged =>
        gpu.Run(a =>
        {
            a.Synchronize();
            var data = buffer.GetAsArray1D(a.DefaultStream);
            a.Synchronize();
            return data;
        });

    /// <summary>The simulator, and every CUDA device when the machine has one.</summary>
    public static IEnumerable<GpuDeviceInfo> Devices() => GpuDevices.List().Where(d => d.Kind is GpuDeviceKind.Simulator or GpuDeviceKind.Cuda);
}
