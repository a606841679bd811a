using DeepSeekV4.Engine.Models.DeepSeekV4;
using ILGPU;
using ILGPU.Runtime;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// The device buffers of one pass of up to <see cref="Capacity"/> tokens (the GPU counterpart of the CPU's forward
/// workspace), allocated once per sequence; row-major [tokens × width]. The host-side arrays hold what a pass uploads:
/// token ids and positions.
/// </summary>
internal sealed class GpuPassBuffers : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private readonly GpuAccelerator _gpu;

    public GpuPassBuffers(GpuAccelerator gpu, DeepSeekV4Config c, int capacity, int contextLength)
    {
        _gpu = gpu;
        Capacity = capacity;
        int t = capacity, d = c.HiddenSize, hc = c.HyperConnectionCount, hd = c.HeadDim, heads = c.HeadCount;
        int iDim = Math.Max(c.IndexerHeadDim, 1), iHeads = Math.Max(c.IndexerHeadCount, 1), half = c.RopeDim / 2;
        int k = c.ExpertUsedCount, f = c.ExpertFeedForwardLength, shared = f * Math.Max(1, c.SharedExpertCount);
        int groups = c.OutputGroupCount, rank = c.OutputLoraRank;
        gpu.Run(a =>
        {
            Streams = Floats(a, t * hc * d);
            NextStreams = Floats(a, t * hc * d);
            Mixes = Floats(a, t * Math.Max(c.HyperConnectionMixCount, hc));
            Pre = Floats(a, t * hc);
            Post = Floats(a, t * hc);
            Comb = Floats(a, t * hc * hc);
            Hidden = Floats(a, t * d);
            RoundedHidden = Floats(a, t * d);
            SublayerOutput = Floats(a, t * d);
            QueryLatent = Floats(a, t * c.QLoraRank);
            RoundedQueryLatent = Floats(a, t * c.QLoraRank);
            Query = Floats(a, t * heads * hd);
            KeyValue = Floats(a, t * hd);
            CompressorValues = Floats(a, t * 2 * hd);
            CompressorLogits = Floats(a, t * 2 * hd);
            IndexerValues = Floats(a, t * 2 * iDim);
            IndexerLogits = Floats(a, t * 2 * iDim);
            IndexerQuery = Floats(a, t * iHeads * iDim);
            IndexerWeights = Floats(a, t * iHeads);
            IndexerScores = Floats(a, contextLength / 4 + 1);
            Selected = Ints(a, t * Math.Max(c.IndexerTopK, 1));
            AttentionOutput = Floats(a, t * heads * hd);
            GroupInput = Floats(a, t * groups * c.HeadsPerGroup * hd);
            GroupOutput = Floats(a, t * groups * rank);
            LowRank = Floats(a, t * groups * rank);
            RoundedLowRank = Floats(a, t * groups * rank);
            Entries = Floats(a, t * Math.Max(hd, iDim));
            WindowCos = Floats(a, t * half);
            WindowSin = Floats(a, t * half);
            CompressedCos = Floats(a, t * half);
            CompressedSin = Floats(a, t * half);
            EntryCos = Floats(a, t * half);
            EntrySin = Floats(a, t * half);
            HeadMixes = Floats(a, t * hc);
            Logits = Floats(a, (long)t * c.VocabSize);
            Router = Floats(a, t * c.ExpertCount);
            Chosen = Ints(a, t * k);
            RouteWeights = Floats(a, t * k);
            ExpertGate = Floats(a, (long)t * k * f);
            ExpertUp = Floats(a, (long)t * k * f);
            RoundedExpertHidden = Floats(a, (long)t * k * Math.Max(f, shared));
            ExpertDown = Floats(a, (long)t * k * d);
            SharedGate = Floats(a, t * shared);
            SharedUp = Floats(a, t * shared);
            SharedDown = Floats(a, t * d);
            Tokens = Ints(a, t);
            Positions = Ints(a, t);
            EntryPositions = Ints(a, t);
            EntryCounts = Ints(a, t);
        });
    }

    public int Capacity { get; }

    public ArrayView<float> Streams { get; private set; }
    public ArrayView<float> NextStreams { get; private set; }
    public ArrayView<float> Mixes { get; private set; }
    public ArrayView<float> Pre { get; private set; }
    public ArrayView<float> Post { get; private set; }
    public ArrayView<float> Comb { get; private set; }
    public ArrayView<float> Hidden { get; private set; }
    public ArrayView<float> RoundedHidden { get; private set; }
    public ArrayView<float> SublayerOutput { get; private set; }
    public ArrayView<float> QueryLatent { get; private set; }
    public ArrayView<float> RoundedQueryLatent { get; private set; }
    public ArrayView<float> Query { get; private set; }
    public ArrayView<float> KeyValue { get; private set; }
    public ArrayView<float> CompressorValues { get; private set; }
    public ArrayView<float> CompressorLogits { get; private set; }
    public ArrayView<float> IndexerValues { get; private set; }
    public ArrayView<float> IndexerLogits { get; private set; }
    public ArrayView<float> IndexerQuery { get; private set; }
    public ArrayView<float> IndexerWeights { get; private set; }
    public ArrayView<float> IndexerScores { get; private set; }
    public ArrayView<int> Selected { get; private set; }
    public ArrayView<float> AttentionOutput { get; private set; }
    public ArrayView<float> GroupInput { get; private set; }
    public ArrayView<float> GroupOutput { get; private set; }
    public ArrayView<float> LowRank { get; private set; }
    public ArrayView<float> RoundedLowRank { get; private set; }
    /// <summary>Compressed entries of a pass before they are encoded into the cache.</summary>
    public ArrayView<float> Entries { get; private set; }
    public ArrayView<float> WindowCos { get; private set; }
    public ArrayView<float> WindowSin { get; private set; }
    public ArrayView<float> CompressedCos { get; private set; }
    public ArrayView<float> CompressedSin { get; private set; }
    public ArrayView<float> EntryCos { get; private set; }
    public ArrayView<float> EntrySin { get; private set; }
    public ArrayView<float> HeadMixes { get; private set; }
    public ArrayView<float> Logits { get; private set; }
    public ArrayView<float> Router { get; private set; }
    public ArrayView<int> Chosen { get; private set; }
    public ArrayView<float> RouteWeights { get; private set; }
    public ArrayView<float> ExpertGate { get; private set; }
    public ArrayView<float> ExpertUp { get; private set; }
    public ArrayView<float> RoundedExpertHidden { get; private set; }
    public ArrayView<float> ExpertDown { get; private set; }
    public ArrayView<float> SharedGate { get; private set; }
    public ArrayView<float> SharedUp { get; private set; }
    public ArrayView<float> SharedDown { get; private set; }
    public ArrayView<int> Tokens { get; private set; }
    public ArrayView<int> Positions { get; private set; }
    /// <summary>The first position of each compressed entry a sub-batch completes (its RoPE position).</summary>
    public ArrayView<int> EntryPositions { get; private set; }
    /// <summary>Per token of a sub-batch: the compressed entries (or selected ones) it attends to.</summary>
    public ArrayView<int> EntryCounts { get; private set; }

    /// <summary>Makes the freshly written streams current.</summary>
    public void SwapStreams() => (Streams, NextStreams) = (NextStreams, Streams);

    /// <summary>Copies <paramref name="values"/> into the device view <paramref name="target"/> (on the accelerator's stream).</summary>
    public void Upload(ReadOnlySpan<int> values, ArrayView<int> target)
    {
        var copy = values.ToArray();
        _gpu.Run(a => target.SubView(0, copy.Length).CopyFromCPU(a.DefaultStream, copy));
    }

    private ArrayView<float> Floats(Accelerator a, long length)
    {
        var buffer = a.Allocate1D<float>(Math.Max(1, length));
        _owned.Add(buffer);
        return buffer.View;
    }

    private ArrayView<int> Ints(Accelerator a, long length)
    {
        var buffer = a.Allocate1D<int>(Math.Max(1, length));
        _owned.Add(buffer);
        return buffer.View;
    }

    public void Dispose()
    {
        _gpu.Run(_ =>
        {
            foreach (var b in _owned) b.Dispose();
        });
        _owned.Clear();
    }
}
