using DeepSeekV4.Engine.Compute.Gpu.Attention;
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
/// magnitude, then each value v → round(ScaleB(v, −k))·ScaleB(1, k) in the format — KvCache.Fp8E4M3.Simulate /
/// Fp4E2M1.Simulate and ActivationRounding, bit for bit. A NaN becomes a zero of its own sign, as on the CPU (decided
/// before the scaling: a GPU's multiply may drop a NaN's sign). The destination may be the source.
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
            float a = DeviceRounding.Abs(source[src + i]);
            if (DeviceRounding.IsNaN(a)) nan = true;
            else if (a > amax) amax = a;
        }
        int k = format.ScaleExponent(nan ? float.NaN : amax);
        float scale = DeviceRounding.ScaleB(1f, k);
        for (int i = first; i < end; i++)
        {
            float x = source[src + i];
            destination[dst + i] = DeviceRounding.IsNaN(x)
                ? Interop.IntAsFloat(Interop.FloatAsInt(x) & 0x80000000u)
                : format.Round(DeviceRounding.ScaleB(x, -k)) * scale;
        }
    }
}
