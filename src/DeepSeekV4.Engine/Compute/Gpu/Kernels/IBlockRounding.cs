namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>
/// A small float format with a power-of-two scale per block, as the device rounds to it (the reference's FP8/FP4
/// simulations), over the device codecs of Compute/Gpu/Attention. Implementations are empty structs; the kernel calls
/// <c>default(TFormat)</c>.
/// </summary>
public interface IBlockRounding
{
    /// <summary>The block's scale exponent k from its largest magnitude (NaN when any value is NaN).</summary>
    int ScaleExponent(float amax);

    /// <summary>The format's value nearest to <paramref name="x"/> (|x| clamped to the format's max, ties to even; zeros keep their sign).</summary>
    float Round(float x);
}
