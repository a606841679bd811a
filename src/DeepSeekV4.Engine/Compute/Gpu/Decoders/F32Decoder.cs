using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Decoders;

/// <summary>F32 weights: four little-endian bytes each.</summary>
public struct F32Decoder : IWeightDecoder
{
    public readonly Weights8 Decode(WeightTables tables, ArrayView<byte> weights, long row, int chunk, int part, int valid)
    {
        long o = row + 4L * (32 * chunk + 8 * part);
        return new(Read(weights, o, 0, valid), Read(weights, o, 1, valid), Read(weights, o, 2, valid), Read(weights, o, 3, valid),
                   Read(weights, o, 4, valid), Read(weights, o, 5, valid), Read(weights, o, 6, valid), Read(weights, o, 7, valid));
    }

    private static float Read(ArrayView<byte> weights, long o, int j, int valid) => j < valid ? DeviceBytes.F32(weights, o + 4 * j) : 0f;
}
