namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>
/// A small float format with a power-of-two scale per block, as the device rounds to it (the reference's FP8/FP4
/// simulations). Implementations are empty structs; the kernel calls <c>default(TFormat)</c>.
/// </summary>
public interface IBlockRounding
{
    /// <summary>The block's scale exponent k from its largest magnitude (NaN when any value is NaN).</summary>
    int ScaleExponent(float amax);

    /// <summary>The largest magnitude of the format.</summary>
    float Max { get; }

    /// <summary>The format's value nearest to <paramref name="a"/> (0 &lt; a ≤ <see cref="Max"/>), ties to even.</summary>
    float Round(float a);
}
