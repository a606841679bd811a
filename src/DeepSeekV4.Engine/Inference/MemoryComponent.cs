namespace DeepSeekV4.Engine.Inference;

/// <summary>A named share of a memory estimate (a weight type, a KV-cache component).</summary>
public sealed record MemoryComponent(string Name, long Bytes)
{
    public override string ToString() => $"{Name}: {ByteSize.Format(Bytes)}";
}
