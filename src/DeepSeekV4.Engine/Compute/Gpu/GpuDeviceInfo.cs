namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>One accelerator the GPU backend can use: its kind, its index among devices of that kind, name and memory.</summary>
/// <param name="Detail">Architecture, warp size and the like, for listings.</param>
public sealed record GpuDeviceInfo(GpuDeviceKind Kind, int Index, string Name, long MemoryBytes, string Detail)
{
    /// <summary>"cuda:0", "opencl:1", "simulator:0".</summary>
    public string Id => $"{Kind.ToString().ToLowerInvariant()}:{Index}";

    public override string ToString() => $"{Id} {Name}";
}
