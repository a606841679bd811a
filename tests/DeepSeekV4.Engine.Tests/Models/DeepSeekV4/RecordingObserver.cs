using global::DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

/// <summary>Keeps copies of what a forward pass reports (tests only).</summary>
public sealed class RecordingObserver : IForwardObserver
{
    public Dictionary<(int Layer, int Position), float[]> Blocks { get; } = [];
    public Dictionary<(int Layer, int Position), float[]> Attention { get; } = [];
    public Dictionary<(int Layer, int Position), (float[] Scores, int[] Selected)> Indexer { get; } = [];

    public void OnBlockOutput(int layer, int position, ReadOnlySpan<float> streams) => Blocks[(layer, position)] = streams.ToArray();

    public void OnAttentionOutput(int layer, int position, ReadOnlySpan<float> heads) => Attention[(layer, position)] = heads.ToArray();

    public void OnIndexerSelection(int layer, int position, ReadOnlySpan<float> scores, ReadOnlySpan<int> selected) =>
        Indexer[(layer, position)] = (scores.ToArray(), selected.ToArray());
}
