namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>
/// The lightning indexer's scoring for <see cref="Tokens"/> query tokens: heads, the key rows' shape, the keys scored
/// (<see cref="Count"/> for every token unless per-token counts are given, at most Count), and the scores' row stride.
/// </summary>
public struct IndexerShape
{
    public KvRowShape Key;
    public int Heads;
    public int Count;
    public int Tokens;
    public int ScoreStride;
}
