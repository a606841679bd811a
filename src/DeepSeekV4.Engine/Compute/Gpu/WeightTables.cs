using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// ggml's lookup tables on the device, uploaded once per accelerator from the engine's own definitions
/// (<see cref="Tensors.Tables.GgmlTables"/>), and handed to every weight kernel.
/// </summary>
public struct WeightTables
{
    /// <summary>IQ2_XXS grid: 256 rows of eight magnitudes, byte j of entry i is element j.</summary>
    public ArrayView<ulong> Iq2XxsGrid;

    /// <summary>The 7-bit sign index → 8 sign bits of IQ2_XXS/IQ2_XS/IQ3_XXS.</summary>
    public ArrayView<byte> KSignsIq2Xs;

    /// <summary>The E2M1 codebook, doubled (ggml's kvalues_mxfp4).</summary>
    public ArrayView<sbyte> KValuesMxfp4;

    /// <summary>MXFP4 exponent byte → 2^(e−128) (half the E8M0 value, matching the doubled codebook).</summary>
    public ArrayView<float> Mxfp4Scale;
}
