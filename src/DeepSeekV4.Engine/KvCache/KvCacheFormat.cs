namespace DeepSeekV4.Engine.KvCache;

/// <summary>
/// How KV-cache entries are stored. Native is the model's own rounding (FP8 e4m3 with a power-of-two scale per
/// 64 values for the non-rotary dims, BF16 rotary dims, FP4 indexer keys); the others are alternatives measured
/// for size and quality.
/// </summary>
public enum KvCacheFormat
{
    Native,
    F32,
    F16,
    BF16,
    Q8_0,
    Q4_0,
}
