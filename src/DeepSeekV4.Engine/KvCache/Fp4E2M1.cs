using System.Runtime.CompilerServices;
using DeepSeekV4.Engine.Tensors.Kernels;

namespace DeepSeekV4.Engine.KvCache;

/// <summary>
/// FP4 e2m1 (magnitudes 0, 0.5, 1, 1.5, 2, 3, 4, 6) with a power-of-two (UE8M0) scale per block — the format of
/// DeepSeek V4's lightning-indexer queries and keys (reference §5.10). Codes are packed two per byte, the even
/// element in the low nibble.
/// </summary>
public static class Fp4E2M1
{
    public const float Max = 6f;
    private static readonly float AmaxFloor = 6f * MathF.ScaleB(1f, -126);
    private static readonly float InverseMax = 1f / Max;
    private static readonly float[] Decoded = [0f, 0.5f, 1f, 1.5f, 2f, 3f, 4f, 6f, -0f, -0.5f, -1f, -1.5f, -2f, -3f, -4f, -6f];

    public static float Decode(int code) => Decoded[code & 0xF];

    /// <summary>Rounds |x| ≤ 6 to the nearest e2m1 value, ties to even, and returns its 4-bit code.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Encode(float x)
    {
        int sign = BitConverter.SingleToInt32Bits(x) < 0 ? 8 : 0;
        float a = MathF.Min(MathF.Abs(x), Max);
        if (!(a > 0)) return sign;
        float quantum = a < 2f ? 0.5f : a < 4f ? 1f : 2f;
        float r = MathF.Round(a / quantum, MidpointRounding.ToEven) * quantum;
        int code = r switch
        {
            < 2f => (int)(r * 2f),
            < 4f => (int)r + 2,   // 2 → 4, 3 → 5
            < 6f => 6,
            _ => 7,
        };
        return sign | code;
    }

    /// <summary>The UE8M0 scale exponent k (scale = 2^k) of a block whose largest magnitude is <paramref name="amax"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int ScaleExponent(float amax)
    {
        float y = MathF.Max(amax, AmaxFloor) * InverseMax;
        float k = MathF.Ceiling(MathF.Log2(y));
        return float.IsFinite(k) ? (int)Math.Clamp(k, -127f, 127f) : 127;
    }

    /// <summary>Quantizes one block into packed nibbles (x.Length / 2 bytes); returns k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int QuantizeBlock(ReadOnlySpan<float> x, Span<byte> packed)
    {
        int k = ScaleExponent(MathF.Abs(Elementwise.MaxMagnitude(x)));
        for (int i = 0; i < x.Length; i += 2)
            packed[i >> 1] = (byte)(Encode(MathF.ScaleB(x[i], -k)) | (Encode(MathF.ScaleB(x[i + 1], -k)) << 4));
        return k;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DequantizeBlock(ReadOnlySpan<byte> packed, int k, Span<float> values)
    {
        float scale = MathF.ScaleB(1f, k);
        for (int i = 0; i < values.Length; i += 2)
        {
            byte b = packed[i >> 1];
            values[i] = Decoded[b & 0xF] * scale;
            values[i + 1] = Decoded[b >> 4] * scale;
        }
    }

    /// <summary>The reference's FP4 simulation in place: every block of <paramref name="blockSize"/> values rounded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Simulate(Span<float> values, int blockSize)
    {
        for (int b = 0; b < values.Length; b += blockSize)
        {
            var block = values.Slice(b, blockSize);
            int k = ScaleExponent(MathF.Abs(Elementwise.MaxMagnitude(block)));
            float scale = MathF.ScaleB(1f, k);
            for (int i = 0; i < block.Length; i++) block[i] = Decoded[Encode(MathF.ScaleB(block[i], -k))] * scale;
        }
    }
}
