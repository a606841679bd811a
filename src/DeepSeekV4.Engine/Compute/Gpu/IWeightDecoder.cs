using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// The device-side decoder of one ggml weight type. A row is read as chunks of 32 elements (every block size here is a
/// multiple of 32, and the float types are cut into 32s), each chunk as four parts of eight weights. Implementations are
/// empty structs: the generic weight kernels call <c>default(TDecoder).Decode</c>, and ILGPU compiles one kernel per type.
/// Each decoder performs ggml's dequantization arithmetic for its type (the CPU reference in Tensors/Formats).
/// </summary>
public interface IWeightDecoder
{
    /// <summary>
    /// Weights [32·<paramref name="chunk"/> + 8·<paramref name="part"/>, +8) of the row whose bytes start at
    /// <paramref name="row"/>. <paramref name="valid"/> is how many of the eight lie inside the row (8 or more except at
    /// the end of a float row whose length is not a multiple of 32); weights past it need not be read and are not used.
    /// </summary>
    Weights8 Decode(WeightTables tables, ArrayView<byte> weights, long row, int chunk, int part, int valid);
}
