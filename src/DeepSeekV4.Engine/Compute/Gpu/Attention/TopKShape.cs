namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>
/// Top-k for <see cref="Tokens"/> rows of scores (row t at t·ScoreStride, <see cref="Count"/> scores unless per-token
/// counts are given), each token's selection at t·SelectedStride.
/// </summary>
public struct TopKShape
{
    public int Count;
    public int K;
    public int Tokens;
    public int ScoreStride;
    public int SelectedStride;
}
