namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>The shape of a weight product on the device: a [rows × cols] weight against <see cref="Count"/> vectors of cols.</summary>
public struct MatMulShape
{
    public int Rows;
    public int Cols;
    /// <summary>Vectors in the batch (1 for a matrix × vector).</summary>
    public int Count;
    /// <summary>Bytes of one weight row (ggml blocks, packed).</summary>
    public long RowBytes;
}
