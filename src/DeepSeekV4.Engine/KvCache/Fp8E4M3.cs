using System.Runtime.CompilerServices;
using DeepSeekV4.Engine.Tensors.Kernels;

namespace DeepSeekV4.Engine.KvCache;

/// <summary>
/// FP8 e4m3 (the "fn" variant: bias 7, max 448, no infinities) with a power-of-two (UE8M0) scale per block — the
/// format DeepSeek V4 rounds the non-rotary KV dims to (reference §5.10). Quantizing and then dequantizing a block is
/// exactly the reference's FP8 simulation; storing the codes and scale bytes is the native cache format.
/// </summary>
public static class Fp8E4M3
{
    public const float Max = 448f;
    private const float AmaxFloor = 1e-4f;
    private static readonly float InverseMax = 1f / Max;
    private static readonly float[] Decoded = BuildTable();

    /// <summary>The value of an e4m3 code (0x7F/0xFF decode as NaN).</summary>
    public static float Decode(byte code) => Decoded[code];

    /// <summary>Rounds |x| ≤ 448 to the nearest e4m3 value, ties to even, and returns its code.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static byte Encode(float x)
    {
        byte sign = (byte)(BitConverter.SingleToInt32Bits(x) < 0 ? 0x80 : 0);
        float a = MathF.Abs(x);
        if (!(a > 0)) return sign;
        if (a > Max) a = Max;
        int e = MathF.ILogB(a);
        if (e < -6) e = -6;                                   // subnormals share the quantum 2^-9
        float quantum = MathF.ScaleB(1f, e - 3);
        float r = MathF.Round(a / quantum, MidpointRounding.ToEven) * quantum;
        int re = MathF.ILogB(r);
        if (r == 0) return sign;
        if (re < -6) return (byte)(sign | (int)(r * 512f));   // subnormal: m · 2^-9
        int mantissa = (int)((MathF.ScaleB(r, -re) - 1f) * 8f);
        return (byte)(sign | ((re + 7) << 3) | mantissa);
    }

    /// <summary>The UE8M0 scale exponent k (scale = 2^k) of a block whose largest magnitude is <paramref name="amax"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int ScaleExponent(float amax)
    {
        float y = MathF.Max(amax, AmaxFloor) * InverseMax;
        float k = MathF.Ceiling(MathF.Log2(y));
        return float.IsFinite(k) ? (int)Math.Clamp(k, -127f, 127f) : 127;
    }

    /// <summary>Quantizes one block: codes[i] = e4m3(clamp(x[i] / 2^k, ±448)); returns k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int QuantizeBlock(ReadOnlySpan<float> x, Span<byte> codes)
    {
        int k = ScaleExponent(MathF.Abs(Elementwise.MaxMagnitude(x)));
        for (int i = 0; i < x.Length; i++) codes[i] = Encode(MathF.ScaleB(x[i], -k));
        return k;
    }

    /// <summary>values[i] = e4m3(codes[i]) · 2^k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DequantizeBlock(ReadOnlySpan<byte> codes, int k, Span<float> values)
    {
        float scale = MathF.ScaleB(1f, k);
        for (int i = 0; i < codes.Length; i++) values[i] = Decoded[codes[i]] * scale;
    }

    /// <summary>The reference's FP8 simulation in place: every block of <paramref name="blockSize"/> values rounded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Simulate(Span<float> values, int blockSize)
    {
        for (int b = 0; b < values.Length; b += blockSize)
        {
            var block = values.Slice(b, blockSize);
            int k = ScaleExponent(MathF.Abs(Elementwise.MaxMagnitude(block)));
            float scale = MathF.ScaleB(1f, k);
            for (int i = 0; i < block.Length; i++)
                block[i] = Decoded[Encode(MathF.ScaleB(block[i], -k))] * scale;
        }
    }

    private static float[] BuildTable()
    {
        var table = new float[256];
        for (int c = 0; c < 256; c++)
        {
            int e = (c >> 3) & 0xF, m = c & 7;
            float v = e == 0 ? m * MathF.ScaleB(1f, -9) : (1f + m / 8f) * MathF.ScaleB(1f, e - 7);
            if (e == 15 && m == 7) v = float.NaN;
            table[c] = (c & 0x80) != 0 ? -v : v;
        }
        return table;
    }
}
