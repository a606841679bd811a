using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>The shape of a block rounding: the first <see cref="Dims"/> values of each row, in blocks of <see cref="BlockSize"/> (a shorter last block is a block).</summary>
public struct BlockRoundingShape
{
    public int Rows;
    public int SourceStride;
    public int DestinationStride;
    public int Dims;
    public int BlockSize;
    public int BlocksPerRow;
}

/// <summary>
/// The reference's block-scaled rounding (act_quant as a simulation), one thread per block: k from the block's largest
/// magnitude, then each value v → round(v·2^−k)·2^k in the format, NaN → ±0 and magnitudes clamped to the format's max —
/// KvCache.Fp8E4M3.Simulate / Fp4E2M1.Simulate and ActivationRounding, bit for bit. The destination may be the source.
/// </summary>
public static class BlockRoundingKernel
{
    public static void Run<TFormat>(Index1D index, ArrayView<float> source, ArrayView<float> destination, BlockRoundingShape shape)
        where TFormat : struct, IBlockRounding
    {
        int row = index / shape.BlocksPerRow;
        int first = index % shape.BlocksPerRow * shape.BlockSize;
        int end = first + shape.BlockSize < shape.Dims ? first + shape.BlockSize : shape.Dims;
        long src = (long)row * shape.SourceStride, dst = (long)row * shape.DestinationStride;
        var format = default(TFormat);
        float amax = 0;
        bool nan = false;
        for (int i = first; i < end; i++)
        {
            float a = Math.Abs(source[src + i]);
            if (float.IsNaN(a)) nan = true;
            else if (a > amax) amax = a;
        }
        int k = format.ScaleExponent(nan ? float.NaN : amax);
        float down = BlockScale.Pow2(-k), up = BlockScale.Pow2(k), max = format.Max;
        for (int i = first; i < end; i++)
        {
            float x = source[src + i];
            bool negative = (Interop.FloatAsInt(x) & 0x80000000u) != 0;
            float a = Math.Abs(x * down);
            float r = a > 0 ? format.Round(a > max ? max : a) * up : 0f; // NaN fails a > 0
            destination[dst + i] = negative ? -r : r;
        }
    }
}
