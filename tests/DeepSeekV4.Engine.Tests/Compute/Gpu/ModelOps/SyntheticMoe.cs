using System.Runtime.InteropServices;
using DeepSeekV4.Engine.Models.DeepSeekV4;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu.ModelOps;

/// <summary>
/// A one-layer MoE of F32 weights filled with Gaussian values (F32, so that the CPU's products are float products
/// with no activation quantization): the config, the CPU's MoeWeights, and the floats to upload the same tensors.
/// </summary>
internal sealed class SyntheticMoe : IDisposable
{
    private readonly List<NativeTensorBuffer> _buffers = [];

    public SyntheticMoe(int hidden, int feedForward, int experts, int used, int vocab, bool hash, float expertClamp, float sharedClamp, int seed)
    {
        var random = new Random(seed);
        Config = new DeepSeekV4Config
        {
            VocabSize = vocab, HiddenSize = hidden, LayerCount = 1, ContextLength = 64, HeadCount = 1, HeadDim = 64, RopeDim = 16, QLoraRank = 16,
            OutputLoraRank = 16, OutputGroupCount = 1, SlidingWindow = 16, CompressRatios = [0], IndexerHeadCount = 1, IndexerHeadDim = 16,
            IndexerTopK = 4, ExpertCount = experts, ExpertUsedCount = used, ExpertFeedForwardLength = feedForward, ExpertWeightsScale = 1.5f,
            HashLayerCount = hash ? 1 : 0, SwigluClampExperts = [expertClamp], SwigluClampShared = [sharedClamp],
        };
        Router = Gaussian(random, experts * hidden, 0.3f);
        Gate = Gaussian(random, experts * feedForward * hidden, 0.5f);
        Up = Gaussian(random, experts * feedForward * hidden, 0.5f);
        Down = Gaussian(random, experts * hidden * feedForward, 0.2f);
        SharedGate = Gaussian(random, feedForward * hidden, 0.5f);
        SharedUp = Gaussian(random, feedForward * hidden, 0.5f);
        SharedDown = Gaussian(random, hidden * feedForward, 0.2f);
        Bias = hash ? null : Gaussian(random, experts, 0.1f);
        if (hash)
        {
            TokenExperts = new int[vocab * used];
            for (int v = 0; v < vocab; v++)
            {
                var picked = Enumerable.Range(0, experts).OrderBy(_ => random.Next()).Take(used).ToArray();
                picked.CopyTo(TokenExperts, v * used);
            }
        }
        var gate = Tensor("ffn_gate_exps", Gate, [hidden, feedForward, experts]);
        var up = Tensor("ffn_up_exps", Up, [hidden, feedForward, experts]);
        var down = Tensor("ffn_down_exps", Down, [feedForward, hidden, experts]);
        Weights = new MoeWeights
        {
            Router = Tensor("ffn_gate_inp", Router, [hidden, experts]),
            Bias = Bias,
            TokenExperts = TokenExperts,
            Gate = [.. Enumerable.Range(0, experts).Select(e => gate.Slice(e))],
            Up = [.. Enumerable.Range(0, experts).Select(e => up.Slice(e))],
            Down = [.. Enumerable.Range(0, experts).Select(e => down.Slice(e))],
            SharedGate = Tensor("ffn_gate_shexp", SharedGate, [hidden, feedForward]),
            SharedUp = Tensor("ffn_up_shexp", SharedUp, [hidden, feedForward]),
            SharedDown = Tensor("ffn_down_shexp", SharedDown, [feedForward, hidden]),
            ExpertClamp = expertClamp,
            SharedClamp = sharedClamp,
        };
    }

    public DeepSeekV4Config Config { get; }
    public MoeWeights Weights { get; }
    public float[] Router { get; }
    public float[]? Bias { get; }
    public int[]? TokenExperts { get; }
    public float[] Gate { get; }
    public float[] Up { get; }
    public float[] Down { get; }
    public float[] SharedGate { get; }
    public float[] SharedUp { get; }
    public float[] SharedDown { get; }

    public static ReadOnlySpan<byte> Bytes(float[] values) => MemoryMarshal.AsBytes(values.AsSpan());

    private static float[] Gaussian(Random random, int n, float scale) => Expect.Gaussian(random, n, scale);

    private TensorView Tensor(string name, float[] values, long[] shape)
    {
        var buffer = new NativeTensorBuffer(name, GgmlType.F32, shape);
        Bytes(values).CopyTo(buffer.Bytes);
        _buffers.Add(buffer);
        return buffer.View;
    }

    public void Dispose()
    {
        foreach (var b in _buffers) b.Dispose();
    }
}
