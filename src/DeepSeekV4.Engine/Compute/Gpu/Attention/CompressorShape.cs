namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>
/// A compressor pass on the device: ratio, entry dim d, state width (2·d for the overlapping ratio-4 compressor, else d),
/// the state ring's rows, and <see cref="Position"/> — the first stored position (store) or the last position of the
/// first block pooled (pool).
/// </summary>
public struct CompressorShape
{
    public int Ratio;
    public int Dim;
    public int Width;
    public int RingRows;
    public int Position;

    public readonly bool Overlap => Width != Dim;
}
