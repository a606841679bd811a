namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// One kernel compiled to PTX: our name for it, the .entry name ILGPU gave it, the architecture asked for, and the PTX
/// text. <see cref="Target"/> is the PTX's own .target line, which ILGPU 1.5.3 writes as sm_80 for every architecture
/// from sm_80 up (the kernels use nothing newer; the driver compiles sm_80 PTX for later GPUs).
/// </summary>
public sealed record PtxKernel(string Name, string EntryName, string Architecture, string Ptx)
{
    public string Target => Ptx.Split('\n').FirstOrDefault(l => l.StartsWith(".target ", StringComparison.Ordinal))?[".target ".Length..].Trim() ?? "?";
}
