using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// The GPU backend of a model. Its kernels exist and are tested one by one against the CPU (weight products of every
/// uploaded type, the model's operations, the KV-cache formats, compressors, indexer and sink attention), but the
/// sequence that chains them on the device is not written yet, so a load on a GPU is refused before anything is
/// uploaded, naming the device.
/// </summary>
internal static class GpuModelCompute
{
    public static IModelCompute Create(DeepSeekV4Model model, GpuAccelerator gpu) =>
        throw new NotSupportedException(
            $"{gpu.Id} ({gpu.Name}): the GPU backend does not run DeepSeek V4 sequences yet (its kernels are built and tested, " +
            "the device-side sequence is not); load the model with -Device Cpu or Auto (dsv4: --device cpu|auto)");
}
