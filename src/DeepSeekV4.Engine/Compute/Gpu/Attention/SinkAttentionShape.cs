namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>
/// Sink attention for <see cref="Tokens"/> consecutive query tokens, token t at <see cref="Position"/> + t: the K=V
/// rows' shape, heads, the window ring (rows, attended window), the score scale (1/√head dim), and the compressed
/// entries each token attends — <see cref="EntryCount"/> for every token unless per-token counts are given, entries
/// 0..count−1 unless a selection of <see cref="SelectedStride"/> indices per token is given.
/// </summary>
public struct SinkAttentionShape
{
    public KvRowShape Row;
    public int Heads;
    public int RingRows;
    public int Window;
    public float Scale;
    public int Tokens;
    public int Position;
    public int EntryCount;
    public int SelectedStride;
}
