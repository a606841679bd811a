namespace DeepSeekV4.Engine.Sampling;

/// <summary>
/// The sampler's random source: SplitMix64, so a seed gives the same draws on every platform and .NET version
/// (System.Random's seeded sequence is an implementation detail).
/// </summary>
public sealed class SamplerRandom
{
    private ulong _state;

    public SamplerRandom(ulong seed) => _state = seed;

    public static ulong NewSeed() => BitConverter.ToUInt64(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1), 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
