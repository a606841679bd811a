using System.Numerics;
using System.Runtime.CompilerServices;

namespace DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;

/// <summary>
/// xoshiro256** (Blackman and Vigna), seeded through SplitMix64: fast, and the same stream on every machine and
/// .NET version, which System.Random does not promise. A struct so each chunk of a tensor owns its own stream.
/// </summary>
public struct SyntheticRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public SyntheticRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>A stream for one part (e.g. a chunk) of a seeded whole, independent of the other parts.</summary>
    public static SyntheticRandom For(ulong seed, ulong part)
    {
        ulong x = seed ^ (part * 0xD1B54A32D192ED03UL);
        return new SyntheticRandom(SplitMix64(ref x));
    }

    /// <summary>A stable 64-bit hash of a name (FNV-1a), to derive a tensor's seed from the model seed.</summary>
    public static ulong Hash(string text, ulong seed)
    {
        ulong h = 0xCBF29CE484222325UL ^ seed;
        foreach (char c in text)
        {
            h ^= c;
            h *= 0x100000001B3UL;
        }
        return h;
    }

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 24 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float NextSingle() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform integer in [0, n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int NextInt(int n) => (int)(((NextUInt64() >> 32) * (ulong)n) >> 32);

    public void NextBytes(Span<byte> destination)
    {
        while (destination.Length >= 8)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(destination, NextUInt64());
            destination = destination[8..];
        }
        if (destination.IsEmpty) return;
        ulong last = NextUInt64();
        for (int i = 0; i < destination.Length; i++) destination[i] = (byte)(last >> (8 * i));
    }
}
