using System.Runtime.CompilerServices;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Compute.Cpu;

/// <summary>
/// A sequence on the CPU: the pass's buffers (<see cref="ForwardWorkspace"/>, sized for the longest pass met so far, so a
/// decode-only sequence holds one token's) and the KV cache in managed memory.
/// </summary>
internal sealed class CpuSequenceCompute : ISequenceCompute
{
    private readonly DeepSeekV4Model _model;
    private ForwardWorkspace? _workspace;

    public CpuSequenceCompute(DeepSeekV4Model model, SequenceKvCache cache, int passCapacity)
    {
        _model = model;
        Cache = cache;
        PassCapacity = passCapacity;
    }

    public SequenceKvCache Cache { get; }

    public int PassCapacity { get; }

    public int Length => Cache.Length;

    private ForwardWorkspace Workspace => _workspace ?? throw new InvalidOperationException("no pass has begun");

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Embed(ReadOnlySpan<int> tokens, int firstPosition)
    {
        var ws = Workspace;
        var c = _model.Config;
        int d = c.HiddenSize, hc = c.HyperConnectionCount, width = hc * d, half = c.RopeDim / 2;
        for (int i = 0; i < tokens.Length; i++)
        {
            var streams = ws.Streams.AsSpan(i * width, width);
            _model.Weights.TokenEmbedding.DequantizeRow(tokens[i], streams[..d]);
            for (int h = 1; h < hc; h++) streams[..d].CopyTo(streams.Slice(h * d, d));
            _model.WindowRotary.Angles(firstPosition + i, ws.WindowCos.AsSpan(i * half, half), ws.WindowSin.AsSpan(i * half, half));
            _model.CompressedRotary.Angles(firstPosition + i, ws.CompressedCos.AsSpan(i * half, half), ws.CompressedSin.AsSpan(i * half, half));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ReduceStreams(HyperConnectionWeights mixer, float[] norm, int tokens)
    {
        var ws = Workspace;
        var c = _model.Config;
        int d = c.HiddenSize, hc = c.HyperConnectionCount, width = hc * d, mix = c.HyperConnectionMixCount;
        HyperConnection.Mixes(mixer.Function, ws.Streams, tokens, c.RmsNormEps, ws.Mixes);
        for (int i = 0; i < tokens; i++)
        {
            var pre = ws.Pre.AsSpan(i * hc, hc);
            HyperConnection.Split(ws.Mixes.AsSpan(i * mix, mix), mixer, hc, c.SinkhornIterations, c.HyperConnectionEps,
                pre, ws.Post.AsSpan(i * hc, hc), ws.Comb.AsSpan(i * hc * hc, hc * hc));
            var hidden = ws.Hidden.AsSpan(i * d, d);
            HyperConnection.Reduce(ws.Streams.AsSpan(i * width, width), pre, hc, hidden);
            RmsNorm.Apply(hidden, norm, c.RmsNormEps);
        }
    }

    public void Attention(int layer, int tokens, int firstPosition, IForwardObserver? observer) =>
        AttentionLayer.Forward(_model, _model.Weights.Layers[layer].Attention, layer, Cache, Workspace, tokens, firstPosition, observer);

    public void FeedForward(int layer, ReadOnlySpan<int> tokens)
    {
        var ws = Workspace;
        ws.Moe.Forward(_model.Weights.Layers[layer].Moe, ws.Hidden, tokens, tokens.Length, ws.SublayerOutput);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ExpandStreams(int tokens)
    {
        var ws = Workspace;
        var c = _model.Config;
        int d = c.HiddenSize, hc = c.HyperConnectionCount, width = hc * d;
        for (int i = 0; i < tokens; i++)
            HyperConnection.Expand(ws.SublayerOutput.AsSpan(i * d, d), ws.Streams.AsSpan(i * width, width),
                ws.Post.AsSpan(i * hc, hc), ws.Comb.AsSpan(i * hc * hc, hc * hc), hc, ws.NextStreams.AsSpan(i * width, width));
        ws.SwapStreams();
    }

    public void ObserveBlock(int layer, int tokens, int firstPosition, IForwardObserver observer)
    {
        int width = _model.Config.HyperConnectionCount * _model.Config.HiddenSize;
        for (int i = 0; i < tokens; i++) observer.OnBlockOutput(layer, firstPosition + i, Workspace.Streams.AsSpan(i * width, width));
    }

    // Output head (reference §5.9): pre-only mixer, RMS norm, vocabulary projection.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Head(int first, int count, Span<float> logits)
    {
        var ws = Workspace;
        var c = _model.Config;
        var w = _model.Weights;
        int d = c.HiddenSize, hc = c.HyperConnectionCount, width = hc * d;
        var streams = ws.Streams.AsSpan(first * width, count * width);
        HyperConnection.Mixes(w.OutputMixer.Function, streams, count, c.RmsNormEps, ws.HeadMixes);
        for (int i = 0; i < count; i++)
        {
            var pre = ws.Pre.AsSpan(i * hc, hc);
            for (int h = 0; h < hc; h++)
                pre[h] = HyperConnection.Sigmoid(ws.HeadMixes[i * hc + h] * w.OutputMixer.Scale[0] + w.OutputMixer.Base[h]) + c.HyperConnectionEps;
            var hidden = ws.Hidden.AsSpan(i * d, d);
            HyperConnection.Reduce(streams.Slice(i * width, width), pre, hc, hidden);
            RmsNorm.Apply(hidden, w.OutputNorm, c.RmsNormEps);
        }
        MatrixProducts.MatMul(w.Output, ws.Hidden.AsSpan(0, count * d), count, logits[..(count * c.VocabSize)],
            exact: _model.Rounding.FloatProducts);
    }

    public void BeginPass(int tokens)
    {
        int passTokens = Math.Min(tokens, PassCapacity);
        if (_workspace is null || _workspace.Capacity < passTokens)
            _workspace = new ForwardWorkspace(_model.Config, passTokens, Cache.ContextLength, _model.Rounding);
        Cache.BeginPass(tokens);
    }

    public void CommitPass() => Cache.CommitPass();

    public void AbortPass() => Cache.AbortPass();

    public bool CanTruncateTo(int length) => Cache.CanTruncateTo(length);

    public void TruncateTo(int length) => Cache.TruncateTo(length);

    public void Reset() => Cache.Reset();

    public ISequenceCompute Fork() => new CpuSequenceCompute(_model, Cache.Clone(), PassCapacity);

    public KvCacheStatistics GetStatistics() => Cache.GetStatistics();

    public void Dispose() => _workspace = null;
}
