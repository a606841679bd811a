using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Inference;

/// <summary>Memory estimates for the built-in DeepSeek V4 configurations (no file needed).</summary>
public static class MemoryEstimates
{
    public static IReadOnlyList<string> BuiltInNames { get; } = ["V4-Flash", "V4-Pro"];

    public static MemoryEstimate ForBuiltIn(string name, int? contextLength, KvCacheFormat format, long? availableBytes = null) =>
        throw new NotSupportedException($"the built-in {name} configuration is not part of this build yet");
}
