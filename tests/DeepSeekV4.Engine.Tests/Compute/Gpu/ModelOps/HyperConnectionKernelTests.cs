using System.Runtime.InteropServices;
using DeepSeekV4.Engine.Compute.Gpu;
using DeepSeekV4.Engine.Models.DeepSeekV4;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu.ModelOps;

/// <summary>
/// The hyper-connection kernels against HyperConnection (and the head's pre of DeepSeekV4Sequence.Head), hc = 4, on
/// random tokens and edge tokens (zeros, large magnitudes that saturate the sigmoids and the softmax). Tolerances:
/// the mixes are an n-term product (≤ 2n·u·Σ|w·x|, as the weight product) times 1/rms (≤ (n/2 + 3)·u); Reduce and
/// Expand sum hc (+1) products in the CPU's order (≤ (hc + 2)·u·Σ|terms| when a backend fuses); pre/post are one
/// exponential (≤ 1 ulp apart) and three float operations (≤ 8u relative); the Sinkhorn matrix takes 2·iterations
/// normalizations of hc-term sums (≤ (hc + 2)·u each, not amplified: the iteration contracts in Hilbert's projective
/// metric), so ≤ 2·iterations·(hc + 2)·u relative, plus 8u for the exponentials.
/// </summary>
[Trait("Category", "GpuSimulator")]
public sealed class HyperConnectionKernelTests
{
    private const int Hc = 4, D = 16, Width = Hc * D, Mix = (2 + Hc) * Hc, Iterations = 20;
    private const float Eps = 1e-6f;

    public static TheoryData<GpuDeviceKind, int> Devices() => GpuTestDevices.All();

    private static NativeTensorBuffer F32Matrix(string name, float[] values, int cols, int rows)
    {
        var buffer = new NativeTensorBuffer(name, GgmlType.F32, [cols, rows]);
        MemoryMarshal.AsBytes(values.AsSpan()).CopyTo(buffer.Bytes);
        return buffer;
    }

    private static float[] Streams(Random random, int tokens)
    {
        var streams = Expect.Gaussian(random, tokens * Width);
        for (int i = 0; i < Width; i++)
        {
            streams[Width + i] *= 1e15f;
            streams[2 * Width + i] = 0f;
        }
        return streams;
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void MixesMatchTheCpu(GpuDeviceKind kind, int index)
    {
        const int tokens = 4;
        var random = new Random(20);
        var function = Expect.Gaussian(random, Mix * Width, 0.1f);
        var streams = Streams(random, tokens);
        using var cpuFunction = F32Matrix("hc_fn", function, Width, Mix);
        var expected = new float[tokens * Mix];
        HyperConnection.Mixes(cpuFunction.View, streams, tokens, Eps, expected);

        using var d = new DeviceArrays(GpuDevices.Get(kind, index));
        using var gpuFunction = d.Gpu.Upload(GgmlType.F32, Mix, Width, MemoryMarshal.AsBytes(function.AsSpan()));
        var mixes = d.Zeros(tokens * Mix);
        new GpuModelOps(d.Gpu).HyperMixes(gpuFunction, d.Upload(streams), tokens, Eps, mixes);
        var actual = d.Read(mixes);
        for (int t = 0; t < tokens; t++)
        {
            float inverse = RmsNorm.InverseRms(streams.AsSpan(t * Width, Width), Eps);
            for (int o = 0; o < Mix; o++)
            {
                double magnitude = 0;
                for (int c = 0; c < Width; c++) magnitude += Math.Abs((double)function[o * Width + c] * streams[t * Width + c]);
                Expect.Within(expected[t * Mix + o], actual[t * Mix + o], (2 * Width + 8) * Expect.U * magnitude * inverse + 1e-38, $"token {t} mix {o}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void SplitMatchesTheCpuIncludingSinkhorn(GpuDeviceKind kind, int index)
    {
        const int tokens = 4;
        var random = new Random(21);
        var mixes = Expect.Gaussian(random, tokens * Mix);
        for (int i = 0; i < Mix; i++)
        {
            mixes[Mix + i] *= 30f;        // saturated sigmoids and a near one-hot softmax
            mixes[2 * Mix + i] = 0f;
        }
        var bias = Expect.Gaussian(random, Mix, 0.5f);
        float[] scale = [0.5f, 1.5f, 2f];
        using var unused = F32Matrix("hc_fn", new float[Mix * Width], Width, Mix);
        var weights = new HyperConnectionWeights(unused.View, bias, scale);
        var pre = new float[tokens * Hc];
        var post = new float[tokens * Hc];
        var comb = new float[tokens * Hc * Hc];
        for (int t = 0; t < tokens; t++)
            HyperConnection.Split(mixes.AsSpan(t * Mix, Mix), weights, Hc, Iterations, Eps,
                pre.AsSpan(t * Hc, Hc), post.AsSpan(t * Hc, Hc), comb.AsSpan(t * Hc * Hc, Hc * Hc));

        using var d = new DeviceArrays(GpuDevices.Get(kind, index));
        var gpuPre = d.Zeros(pre.Length);
        var gpuPost = d.Zeros(post.Length);
        var gpuComb = d.Zeros(comb.Length);
        new GpuModelOps(d.Gpu).HyperSplit(d.Upload(mixes), d.Upload(bias), d.Upload(scale), Hc, Iterations, Eps, gpuPre, gpuPost, gpuComb, tokens);
        var actualPre = d.Read(gpuPre);
        var actualPost = d.Read(gpuPost);
        var actualComb = d.Read(gpuComb);
        for (int i = 0; i < pre.Length; i++)
        {
            Expect.Within(pre[i], actualPre[i], 8 * Expect.U * Math.Abs(pre[i]), $"pre[{i}]");
            Expect.Within(post[i], actualPost[i], 8 * Expect.U * Math.Abs(post[i]), $"post[{i}]");
        }
        double relative = (2 * Iterations * (Hc + 2) + 8) * Expect.U;
        for (int i = 0; i < comb.Length; i++) Expect.Within(comb[i], actualComb[i], relative * Math.Abs(comb[i]), $"comb[{i}]");
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void ReduceAndExpandMatchTheCpu(GpuDeviceKind kind, int index)
    {
        const int tokens = 3;
        var random = new Random(22);
        var streams = Streams(random, tokens);
        var pre = Expect.Gaussian(random, tokens * Hc);
        var post = Expect.Gaussian(random, tokens * Hc);
        var comb = Expect.Gaussian(random, tokens * Hc * Hc);
        var y = Expect.Gaussian(random, tokens * D, 100f);
        var hidden = new float[tokens * D];
        var next = new float[tokens * Width];
        for (int t = 0; t < tokens; t++)
        {
            HyperConnection.Reduce(streams.AsSpan(t * Width, Width), pre.AsSpan(t * Hc, Hc), Hc, hidden.AsSpan(t * D, D));
            HyperConnection.Expand(y.AsSpan(t * D, D), streams.AsSpan(t * Width, Width), post.AsSpan(t * Hc, Hc), comb.AsSpan(t * Hc * Hc, Hc * Hc), Hc,
                next.AsSpan(t * Width, Width));
        }

        using var d = new DeviceArrays(GpuDevices.Get(kind, index));
        var ops = new GpuModelOps(d.Gpu);
        var gpuStreams = d.Upload(streams);
        var gpuHidden = d.Zeros(hidden.Length);
        var gpuNext = d.Zeros(next.Length);
        ops.HyperReduce(gpuStreams, d.Upload(pre), Hc, D, tokens, gpuHidden);
        ops.HyperExpand(d.Upload(y), gpuStreams, d.Upload(post), d.Upload(comb), Hc, D, tokens, gpuNext);
        var actualHidden = d.Read(gpuHidden);
        var actualNext = d.Read(gpuNext);
        for (int t = 0; t < tokens; t++)
        {
            for (int c = 0; c < D; c++)
            {
                double magnitude = 0;
                for (int h = 0; h < Hc; h++) magnitude += Math.Abs((double)pre[t * Hc + h] * streams[(t * Hc + h) * D + c]);
                Expect.Within(hidden[t * D + c], actualHidden[t * D + c], (Hc + 2) * Expect.U * magnitude + 1e-38, $"hidden token {t} [{c}]");
                for (int k = 0; k < Hc; k++)
                {
                    double m = Math.Abs((double)y[t * D + c] * post[t * Hc + k]);
                    for (int j = 0; j < Hc; j++) m += Math.Abs((double)streams[(t * Hc + j) * D + c] * comb[(t * Hc + j) * Hc + k]);
                    int o = (t * Hc + k) * D + c;
                    Expect.Within(next[o], actualNext[o], (Hc + 3) * Expect.U * m + 1e-38, $"next token {t} stream {k} [{c}]");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void HeadPreMatchesTheSequencesHead(GpuDeviceKind kind, int index)
    {
        const int tokens = 3;
        const float scale0 = 0.75f;
        var random = new Random(23);
        var headMixes = Expect.Gaussian(random, tokens * Hc, 4f);
        headMixes[0] = 0f;
        headMixes[1] = 200f;
        headMixes[2] = -200f;
        var bias = Expect.Gaussian(random, Hc);
        var expected = new float[tokens * Hc];
        for (int t = 0; t < tokens; t++)
            for (int h = 0; h < Hc; h++) expected[t * Hc + h] = HyperConnection.Sigmoid(headMixes[t * Hc + h] * scale0 + bias[h]) + Eps;

        using var d = new DeviceArrays(GpuDevices.Get(kind, index));
        var pre = d.Zeros(tokens * Hc);
        new GpuModelOps(d.Gpu).HeadPre(d.Upload(headMixes), scale0, d.Upload(bias), Eps, pre, tokens, Hc);
        var actual = d.Read(pre);
        for (int i = 0; i < expected.Length; i++) Expect.Within(expected[i], actual[i], 8 * Expect.U * Math.Abs(expected[i]), $"pre[{i}]");
    }
}
