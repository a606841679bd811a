using DeepSeekV4.Engine.Tensors;
using ILGPU;
using ILGPU.Runtime;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// Everything a model puts on one accelerator, uploaded once and released together: weight matrices in their ggml
/// blocks, stacked experts, and small float/int vectors. Counts the bytes it holds.
/// </summary>
internal sealed class GpuUploads(GpuAccelerator gpu) : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private readonly Dictionary<object, object> _byHost = new(ReferenceEqualityComparer.Instance);

    public GpuAccelerator Gpu { get; } = gpu;

    public long Bytes { get; private set; }

    /// <summary>The weight <paramref name="view"/> on the device (uploaded on first request).</summary>
    public unsafe GpuWeightMatrix Matrix(TensorView view)
    {
        if (_byHost.TryGetValue(view, out var held)) return (GpuWeightMatrix)held;
        if (view.IsInterleaved) throw new InvalidOperationException($"{view.Name}: interleaved CPU layout cannot be uploaded");
        GpuWeightMatrix matrix;
        try
        {
            matrix = Gpu.UploadExperts(view.Type, 1, checked((int)view.RowCount), view.RowLength, (byte*)view.Address, view.ByteSize);
        }
        catch (NotSupportedException e)
        {
            throw new NotSupportedException($"{view.Name}: {e.Message}", e);
        }
        return Keep(view, matrix, matrix.Bytes);
    }

    /// <summary>The routed experts whose per-expert views are <paramref name="experts"/> (slices of one stacked tensor), as one stack.</summary>
    public unsafe GpuWeightMatrix Experts(TensorView[] experts)
    {
        if (_byHost.TryGetValue(experts, out var held)) return (GpuWeightMatrix)held;
        var first = experts[0];
        for (int e = 1; e < experts.Length; e++)
            if (experts[e].Address != first.Address + e * first.ByteSize)
                throw new InvalidOperationException($"{first.Name}: the experts are not one contiguous stack");
        long bytes = first.ByteSize * experts.Length;
        var stack = Gpu.UploadExperts(first.Type, experts.Length, checked((int)first.RowCount), first.RowLength, (byte*)first.Address, bytes);
        return Keep(experts, stack, stack.Bytes);
    }

    public ArrayView<float> Floats(float[] values)
    {
        if (_byHost.TryGetValue(values, out var held)) return ((MemoryBuffer1D<float, Stride1D.Dense>)held).View;
        var buffer = Gpu.Run(a => a.Allocate1D(values.Length == 0 ? [0f] : values));
        return Keep(values, buffer, buffer.LengthInBytes).View.SubView(0, values.Length);
    }

    public ArrayView<int> Ints(int[] values)
    {
        if (_byHost.TryGetValue(values, out var held)) return ((MemoryBuffer1D<int, Stride1D.Dense>)held).View;
        var buffer = Gpu.Run(a => a.Allocate1D(values.Length == 0 ? [0] : values));
        return Keep(values, buffer, buffer.LengthInBytes).View.SubView(0, values.Length);
    }

    private T Keep<T>(object host, T device, long bytes) where T : IDisposable
    {
        _byHost[host] = device;
        _owned.Add(device);
        Bytes += bytes;
        return device;
    }

    public void Dispose()
    {
        Gpu.Run(_ =>
        {
            foreach (var d in _owned) d.Dispose();
        });
        _owned.Clear();
        _byHost.Clear();
    }
}
