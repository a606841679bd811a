using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Decoders;

/// <summary>Q8_0 (34 bytes / 32): f16 d, 32 int8 q. w = q·d. A chunk is one block.</summary>
public struct Q8_0Decoder : IWeightDecoder
{
    public readonly Weights8 Decode(WeightTables tables, ArrayView<byte> weights, long row, int chunk, int part, int valid)
    {
        long b = row + 34L * chunk;
        float d = DeviceBytes.F16(weights, b);
        long q = b + 2 + 8 * part;
        return new(Q(weights, q, 0) * d, Q(weights, q, 1) * d, Q(weights, q, 2) * d, Q(weights, q, 3) * d,
                   Q(weights, q, 4) * d, Q(weights, q, 5) * d, Q(weights, q, 6) * d, Q(weights, q, 7) * d);
    }

    private static float Q(ArrayView<byte> weights, long q, int j) => (sbyte)weights[q + j];
}
