using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;
using ILGPU;
using ILGPU.Runtime;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// A sequence on an accelerator: the pass's activations (<see cref="GpuPassBuffers"/>) and the KV cache
/// (<see cref="GpuSequenceCache"/>) live on the device; a pass uploads its token ids and positions and the head
/// downloads the logits asked for.
/// </summary>
internal sealed class GpuSequenceCompute : ISequenceCompute
{
    private readonly DeepSeekV4Model _model;
    private readonly GpuModelCompute _compute;
    private readonly GpuSequenceCache _cache;
    private readonly GpuDownloads _host;
    private GpuPassBuffers? _buffers;
    private GpuAttentionLayer? _attention;
    private GpuFeedForward? _feedForward;
    private float[] _logits = [];

    public GpuSequenceCompute(DeepSeekV4Model model, GpuModelCompute compute, GpuSequenceCache cache, int passCapacity)
    {
        _model = model;
        _compute = compute;
        _cache = cache;
        _host = new GpuDownloads(compute.Gpu);
        PassCapacity = passCapacity;
    }

    public int PassCapacity { get; }

    public int Length => _cache.Length;

    private GpuPassBuffers Buffers => _buffers ?? throw new InvalidOperationException("no pass has begun");

    private GpuModelOps Ops => _compute.Ops;

    private GpuUploads Weights => _compute.Weights;

    public void Embed(ReadOnlySpan<int> tokens, int firstPosition)
    {
        var b = Buffers;
        var c = _model.Config;
        int t = tokens.Length;
        b.Upload(tokens, b.Tokens);
        var positions = new int[t];
        for (int i = 0; i < t; i++) positions[i] = firstPosition + i;
        b.Upload(positions, b.Positions);
        Ops.GatherRows(Weights.Matrix(_model.Weights.TokenEmbedding), b.Tokens, t, b.Streams, c.HyperConnectionCount);
        Ops.AnglesFor(b.Positions, t, Weights.Floats(_model.WindowRotary.Frequencies), c.RopeDim, b.WindowCos, b.WindowSin);
        Ops.AnglesFor(b.Positions, t, Weights.Floats(_model.CompressedRotary.Frequencies), c.RopeDim, b.CompressedCos, b.CompressedSin);
    }

    public void ReduceStreams(HyperConnectionWeights mixer, float[] norm, int tokens)
    {
        var b = Buffers;
        var c = _model.Config;
        int hc = c.HyperConnectionCount;
        Ops.HyperMixes(Weights.Matrix(mixer.Function), b.Streams, tokens, c.RmsNormEps, b.Mixes);
        Ops.HyperSplit(b.Mixes, Weights.Floats(mixer.Base), Weights.Floats(mixer.Scale), hc, c.SinkhornIterations, c.HyperConnectionEps,
            b.Pre, b.Post, b.Comb, tokens);
        Ops.HyperReduce(b.Streams, b.Pre, hc, c.HiddenSize, tokens, b.Hidden);
        Ops.RmsNormRows(b.Hidden, tokens, c.HiddenSize, Weights.Floats(norm), c.RmsNormEps);
    }

    public void Attention(int layer, int tokens, int firstPosition, IForwardObserver? observer) =>
        _attention!.Forward(layer, tokens, firstPosition, observer);

    public void FeedForward(int layer, ReadOnlySpan<int> tokens) => _feedForward!.Forward(layer, tokens.Length);

    public void ExpandStreams(int tokens)
    {
        var b = Buffers;
        var c = _model.Config;
        Ops.HyperExpand(b.SublayerOutput, b.Streams, b.Post, b.Comb, c.HyperConnectionCount, c.HiddenSize, tokens, b.NextStreams);
        b.SwapStreams();
    }

    public void ObserveBlock(int layer, int tokens, int firstPosition, IForwardObserver observer)
    {
        int width = _model.Config.HyperConnectionCount * _model.Config.HiddenSize;
        var streams = _host.Floats(Buffers.Streams, (long)tokens * width);
        for (int i = 0; i < tokens; i++) observer.OnBlockOutput(layer, firstPosition + i, streams.AsSpan(i * width, width));
    }

    // Output head (reference §5.9): pre-only mixer, RMS norm, vocabulary projection; the logits come back to the host.
    public void Head(int first, int count, Span<float> logits)
    {
        var b = Buffers;
        var c = _model.Config;
        var w = _model.Weights;
        int d = c.HiddenSize, hc = c.HyperConnectionCount, width = hc * d, vocab = c.VocabSize;
        var streams = b.Streams.SubView((long)first * width, (long)count * width);
        Ops.HyperMixes(Weights.Matrix(w.OutputMixer.Function), streams, count, c.RmsNormEps, b.HeadMixes);
        Ops.HeadPre(b.HeadMixes, w.OutputMixer.Scale[0], Weights.Floats(w.OutputMixer.Base), c.HyperConnectionEps, b.Pre, count, hc);
        Ops.HyperReduce(streams, b.Pre, hc, d, count, b.Hidden);
        Ops.RmsNormRows(b.Hidden, count, d, Weights.Floats(w.OutputNorm), c.RmsNormEps);
        _compute.Gpu.Multiply(Weights.Matrix(w.Output), b.Hidden, b.Logits, count);
        if (_logits.Length != count * vocab) _logits = new float[count * vocab];
        _host.CopyTo(b.Logits, _logits);
        _logits.CopyTo(logits);
    }

    public void BeginPass(int tokens)
    {
        int passTokens = Math.Min(tokens, PassCapacity);
        if (_buffers is null || _buffers.Capacity < passTokens)
        {
            _buffers?.Dispose();
            _buffers = new GpuPassBuffers(_compute.Gpu, _model.Config, passTokens, _cache.ContextLength);
            _attention = new GpuAttentionLayer(_model, _compute, _buffers, _cache, _host);
            _feedForward = new GpuFeedForward(_model, _compute, _buffers);
        }
        _cache.BeginPass(tokens);
    }

    public void CommitPass() => _cache.CommitPass();

    public void AbortPass() => _cache.AbortPass();

    public bool CanTruncateTo(int length) => _cache.CanTruncateTo(length);

    public void TruncateTo(int length) => _cache.TruncateTo(length);

    public void Reset() => _cache.Reset();

    public ISequenceCompute Fork() => new GpuSequenceCompute(_model, _compute, _cache.Clone(), PassCapacity);

    public KvCacheStatistics GetStatistics() => _cache.GetStatistics();

    public void Dispose()
    {
        _buffers?.Dispose();
        _buffers = null;
        _cache.Dispose();
    }
}
