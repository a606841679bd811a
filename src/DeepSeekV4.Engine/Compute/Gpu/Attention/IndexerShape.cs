namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>One query token's lightning-indexer scoring: heads, the key rows' shape, and how many keys to score.</summary>
public struct IndexerShape
{
    public KvRowShape Key;
    public int Heads;
    public int Count;
}
