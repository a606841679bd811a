using DeepSeekV4.Engine.Compute.Gpu;
using ILGPU;
using ILGPU.Runtime;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu.ModelOps;

/// <summary>Test buffers on an accelerator: uploads, zero-filled buffers, read-backs; disposed together.</summary>
internal sealed class DeviceArrays(GpuAccelerator gpu) : IDisposable
{
    private readonly List<MemoryBuffer> _buffers = [];

    public GpuAccelerator Gpu { get; } = gpu;

    public ArrayView<float> Upload(float[] values) => Allocate(values.Length == 0 ? [0f] : values).SubView(0, values.Length);

    public ArrayView<int> Upload(int[] values) => Allocate(values.Length == 0 ? [0] : values).SubView(0, values.Length);

    public ArrayView<float> Zeros(long length) => Upload(new float[length]);

    /// <summary>Waits for the stream, then copies the view back.</summary>
    public float[] Read(ArrayView<float> view) => Read<float>(view);

    public int[] Read(ArrayView<int> view) => Read<int>(view);

    private T[] Read<T>(ArrayView<T> view) where T : unmanaged
    {
        var result = new T[view.Length];
        Gpu.Run(a =>
        {
            a.Synchronize();
            view.CopyToCPU(a.DefaultStream, result);
            a.Synchronize();
        });
        return result;
    }

    private ArrayView<T> Allocate<T>(T[] values) where T : unmanaged => Gpu.Run(a =>
    {
        var buffer = a.Allocate1D(values);
        _buffers.Add(buffer);
        return (ArrayView<T>)buffer.View;
    });

    public void Dispose()
    {
        foreach (var b in _buffers) b.Dispose();
    }
}
