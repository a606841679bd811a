using ILGPU;
using ILGPU.Runtime;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>Reads device values back to the host after the work queued before them (logits; observer taps in tests).</summary>
internal sealed class GpuDownloads(GpuAccelerator gpu)
{
    public float[] Floats(ArrayView<float> source, long count)
    {
        var values = new float[count];
        CopyTo(source, values);
        return values;
    }

    public int[] Ints(ArrayView<int> source, long count)
    {
        var values = new int[count];
        gpu.Run(a =>
        {
            a.Synchronize();
            if (count > 0) source.SubView(0, count).CopyToCPU(a.DefaultStream, values);
            a.Synchronize();
        });
        return values;
    }

    /// <summary>The first destination.Length values of <paramref name="source"/> into <paramref name="destination"/>.</summary>
    public void CopyTo(ArrayView<float> source, float[] destination)
    {
        gpu.Run(a =>
        {
            a.Synchronize();
            if (destination.Length > 0) source.SubView(0, destination.Length).CopyToCPU(a.DefaultStream, destination);
            a.Synchronize();
        });
    }
}
