using System.Runtime.CompilerServices;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>
/// Every buffer one forward pass of up to <see cref="Capacity"/> tokens needs, allocated once per sequence (again
/// only when a longer pass comes) and reused, so decoding a token allocates nothing. Row-major [tokens × width].
/// </summary>
internal sealed class ForwardWorkspace
{
    public const int CandidateBlockRows = 128;

    public ForwardWorkspace(DeepSeekV4Config c, int capacity, int contextLength, ForwardRounding? rounding = null)
    {
        Capacity = capacity;
        int t = capacity, d = c.HiddenSize, hc = c.HyperConnectionCount;
        Streams = new float[t * hc * d];
        NextStreams = new float[t * hc * d];
        Mixes = new float[t * Math.Max(c.HyperConnectionMixCount, hc)];
        Pre = new float[t * hc];
        Post = new float[t * hc];
        Comb = new float[t * hc * hc];
        Hidden = new float[t * d];
        SublayerOutput = new float[t * d];
        QueryLatent = new float[t * c.QLoraRank];
        Query = new float[t * c.HeadCount * c.HeadDim];
        KeyValue = new float[t * c.HeadDim];
        CompressorValues = new float[t * 2 * c.HeadDim];
        CompressorLogits = new float[t * 2 * c.HeadDim];
        int indexerDim = Math.Max(c.IndexerHeadDim, 1);
        IndexerValues = new float[t * 2 * indexerDim];
        IndexerLogits = new float[t * 2 * indexerDim];
        IndexerQuery = new float[t * c.IndexerHeadCount * indexerDim];
        IndexerWeights = new float[t * Math.Max(c.IndexerHeadCount, 1)];
        AttentionOutput = new float[t * c.HeadCount * c.HeadDim];
        GroupInput = new float[t * c.OutputGroupCount * c.HeadsPerGroup * c.HeadDim];
        GroupOutput = new float[t * c.OutputGroupCount * c.OutputLoraRank];
        OutputGroupParts = new MatrixProducts.ProductPart[c.OutputGroupCount];
        LowRank = new float[t * c.OutputGroupCount * c.OutputLoraRank];
        RoundedInput = rounding?.RoundsActivations == true ? new float[t * Math.Max(Math.Max(d, c.QLoraRank), c.OutputGroupCount * c.OutputLoraRank)] : [];
        Entry = new float[Math.Max(c.HeadDim, indexerDim)];
        Candidates = new float[CandidateBlockRows * c.HeadDim];
        int half = c.RopeDim / 2;
        WindowCos = new float[t * half];
        WindowSin = new float[t * half];
        CompressedCos = new float[t * half];
        CompressedSin = new float[t * half];
        EntryCos = new float[half];
        EntrySin = new float[half];
        HeadMixes = new float[t * hc];
        Compressor = new Compressor(2 * Math.Max(c.HeadDim, indexerDim));
        Indexer = new LightningIndexer(c.IndexerHeadCount, indexerDim, contextLength / 4 + 1, Math.Max(c.IndexerTopK, 1));
        Attention = new SinkAttention(c.HeadCount, c.HeadDim, CandidateBlockRows);
        Moe = new MixtureOfExperts(c, t, rounding);
    }

    public int Capacity { get; }
    public float[] Streams { get; private set; }
    public float[] NextStreams { get; private set; }
    public float[] Mixes { get; }
    public float[] Pre { get; }
    public float[] Post { get; }
    public float[] Comb { get; }
    public float[] Hidden { get; }
    public float[] SublayerOutput { get; }
    public float[] QueryLatent { get; }
    public float[] Query { get; }
    public float[] KeyValue { get; }
    public float[] CompressorValues { get; }
    public float[] CompressorLogits { get; }
    public float[] IndexerValues { get; }
    public float[] IndexerLogits { get; }
    public float[] IndexerQuery { get; }
    public float[] IndexerWeights { get; }
    public float[] AttentionOutput { get; }
    public float[] GroupInput { get; }
    public float[] GroupOutput { get; }
    public MatrixProducts.ProductPart[] OutputGroupParts { get; }
    public float[] LowRank { get; }
    /// <summary>A product's input rounded to FP8 (<see cref="ForwardRounding.RoundsActivations"/> only; empty otherwise).</summary>
    public float[] RoundedInput { get; }
    public float[] Entry { get; }
    public float[] Candidates { get; }
    public float[] WindowCos { get; }
    public float[] WindowSin { get; }
    public float[] CompressedCos { get; }
    public float[] CompressedSin { get; }
    public float[] EntryCos { get; }
    public float[] EntrySin { get; }
    public float[] HeadMixes { get; }
    public Compressor Compressor { get; }
    public LightningIndexer Indexer { get; }
    public SinkAttention Attention { get; }
    public MixtureOfExperts Moe { get; }

    /// <summary>Makes the freshly written streams current (double buffering of the residual state).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SwapStreams() => (Streams, NextStreams) = (NextStreams, Streams);
}
