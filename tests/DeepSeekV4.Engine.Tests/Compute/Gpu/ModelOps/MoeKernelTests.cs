using System.Runtime.CompilerServices;
using DeepSeekV4.Engine.Compute.Gpu;
using DeepSeekV4.Engine.Models.DeepSeekV4;
using DeepSeekV4.Engine.Tensors;
using DeepSeekV4.Engine.Tensors.Kernels;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu.ModelOps;

/// <summary>
/// The MoE kernels against MixtureOfExperts: routing (biased top-k with ties — the lowest index wins — and hash
/// routing) against its own Route, the expert products for every weight type against the CPU's dequantization, the
/// clamped SwiGLU against RunBatch's operations, the slot scatter-add, and route → expert products → SwiGLU → scatter
/// against Forward on a synthetic F32 layer. Tolerances: the chosen experts exactly; a routing weight is one score
/// (within one ulp: sqrt(softplus) of a double ln/exp) summed over k, divided and scaled: ≤ (2k + 8)·u relative; a
/// product of n terms ≤ 2n·u·Σ|w·x| (as the weight product); SwiGLU one exponential and four float operations ≤ 4u
/// relative; the scatter-add of k slots in another order than the CPU's ≤ (k + 1)·u·Σ|terms|.
/// </summary>
[Trait("Category", "GpuSimulator")]
public sealed class MoeKernelTests
{
    public static TheoryData<GpuDeviceKind, int> Devices() => GpuTestDevices.All();

    public static TheoryData<GpuDeviceKind, int, GgmlType> Types()
    {
        var data = new TheoryData<GpuDeviceKind, int, GgmlType>();
        foreach (var (kind, index) in GpuTestDevices.List())
            foreach (var k in GpuWeightKernels.All) data.Add(kind, index, k.Type);
        return data;
    }

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "Route")]
    private static extern void CpuRoute(MixtureOfExperts moe, MoeWeights w, ReadOnlySpan<float> logits, int tokenId, Span<int> chosen, Span<float> weights);

    private static void CheckRouting(DeviceArrays d, SyntheticMoe moe, float[] logits, int[] tokenIds, string label)
    {
        var c = moe.Config;
        int tokens = tokenIds.Length, e = c.ExpertCount, k = c.ExpertUsedCount;
        var cpu = new MixtureOfExperts(c, tokens);
        var chosen = new int[tokens * k];
        var weights = new float[tokens * k];
        for (int t = 0; t < tokens; t++) CpuRoute(cpu, moe.Weights, logits.AsSpan(t * e, e), tokenIds[t], chosen.AsSpan(t * k, k), weights.AsSpan(t * k, k));

        var gpuChosen = d.Upload(new int[tokens * k]);
        var gpuWeights = d.Zeros(tokens * k);
        new GpuModelOps(d.Gpu).Route(d.Upload(logits), tokens, e, k, moe.Bias is { } b ? d.Upload(b) : default,
            moe.TokenExperts is { } table ? d.Upload(table) : default, d.Upload(tokenIds), c.ExpertWeightsNorm, c.ExpertWeightsScale, gpuChosen, gpuWeights);
        Assert.Equal(chosen, d.Read(gpuChosen));
        var actual = d.Read(gpuWeights);
        for (int i = 0; i < weights.Length; i++) Expect.Within(weights[i], actual[i], (2 * k + 8) * Expect.U * Math.Abs(weights[i]), $"{label} weight {i}");
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void TopKRoutingMatchesTheCpuIncludingTies(GpuDeviceKind kind, int index)
    {
        using var moe = new SyntheticMoe(hidden: 32, feedForward: 32, experts: 16, used: 4, vocab: 8, hash: false, expertClamp: 0, sharedClamp: 0, seed: 40);
        var random = new Random(41);
        const int tokens = 5, e = 16;
        var logits = Expect.Gaussian(random, tokens * e, 3f);
        for (int j = 0; j < e; j++)
        {
            logits[e + j] = j % 4;                        // ties between pairs of experts
            logits[2 * e + j] = j % 2 == 0 ? 25f : -40f;  // the softplus threshold (z > 20) and a vanishing score
            logits[3 * e + j] = 0f;                       // all equal
        }
        using var d = new DeviceArrays(GpuDevices.Get(kind, index));
        CheckRouting(d, moe, logits, [0, 1, 2, 3, 4], "biased");
        Array.Clear(moe.Bias!);                           // with no bias, the all-equal token must take experts 0..3
        CheckRouting(d, moe, logits, [0, 1, 2, 3, 4], "unbiased");
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void HashRoutingTakesTheTokensExperts(GpuDeviceKind kind, int index)
    {
        using var moe = new SyntheticMoe(hidden: 32, feedForward: 32, experts: 8, used: 3, vocab: 10, hash: true, expertClamp: 0, sharedClamp: 0, seed: 42);
        var logits = Expect.Gaussian(new Random(43), 4 * 8, 2f);
        using var d = new DeviceArrays(GpuDevices.Get(kind, index));
        CheckRouting(d, moe, logits, [9, 0, 4, 9], "hash");
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void ExpertProductsMatchTheCpuDequantization(GpuDeviceKind kind, int index, GgmlType type)
    {
        var info = GgmlTypeInfo.Of(type);
        int cols = info.BlockSize == 1 ? 45 : info.BlockSize == 32 ? 64 : 256;
        const int experts = 3, rows = 5, tokens = 3, k = 2, slots = tokens * k;
        long rowBytes = info.RowBytes(cols);
        var blocks = new byte[experts * rows * rowBytes];
        SyntheticBlocks.Fill(type, blocks, new Random(44 + (int)type));
        var dequantized = new float[experts * rows * cols];
        for (int r = 0; r < experts * rows; r++)
            Dequantizer.DequantizeRow(type, blocks.AsSpan((int)(r * rowBytes), (int)rowBytes), dequantized.AsSpan(r * cols, cols));
        int[] chosen = [2, 0, 1, 1, 0, 2];
        var random = new Random(45);
        using var d = new DeviceArrays(GpuDevices.Get(kind, index));
        using var weights = d.Gpu.UploadExperts(type, experts, rows, cols, blocks);
        var ops = new GpuModelOps(d.Gpu);
        var gpuChosen = d.Upload(chosen);
        var groups = d.Upload(new int[GpuModelOps.SlotGroupsLength(experts, slots)]);
        ops.GroupSlots(gpuChosen, slots, experts, groups);
        foreach (int divisor in new[] { k, 1 })
        {
            foreach (bool grouped in new[] { false, true })
            {
                var x = Expect.Gaussian(random, slots / divisor * cols);
                var y = d.Zeros(slots * rows);
                if (grouped) ops.ExpertProductGrouped(weights, groups, slots, d.Upload(x), divisor, y);
                else ops.ExpertProduct(weights, gpuChosen, slots, d.Upload(x), divisor, y);
                var actual = d.Read(y);
                for (int s = 0; s < slots; s++)
                {
                    for (int r = 0; r < rows; r++)
                    {
                        double expected = 0, magnitude = 0;
                        for (int c = 0; c < cols; c++)
                        {
                            double p = (double)dequantized[(chosen[s] * rows + r) * cols + c] * x[s / divisor * cols + c];
                            expected += p;
                            magnitude += Math.Abs(p);
                        }
                        Expect.Within(expected, actual[s * rows + r], 2.0 * cols * Expect.U * magnitude + 1e-30,
                            $"{info.Name} grouped {grouped} divisor {divisor} slot {s} row {r}");
                    }
                }
            }
        }
        int[] outOfRange = [experts, -1];
        var bad = d.Zeros(2 * rows);
        var badGroups = d.Upload(new int[GpuModelOps.SlotGroupsLength(experts, 2)]);
        ops.ExpertProduct(weights, d.Upload(outOfRange), 2, d.Upload(new float[2 * cols]), 1, bad);
        Assert.All(d.Read(bad), v => Assert.True(float.IsNaN(v)));
        bad = d.Zeros(2 * rows);
        ops.GroupSlots(d.Upload(outOfRange), 2, experts, badGroups);
        ops.ExpertProductGrouped(weights, badGroups, 2, d.Upload(new float[2 * cols]), 1, bad);
        Assert.All(d.Read(bad), v => Assert.True(float.IsNaN(v)));
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void SlotGroupsHoldEachExpertsSlots(GpuDeviceKind kind, int index)
    {
        const int experts = 5;
        int[] chosen = [3, 0, 3, 9, 4, 0, 3, -2, 1, 3, 3, 0];
        using var d = new DeviceArrays(GpuDevices.Get(kind, index));
        var groups = d.Upload(Enumerable.Repeat(-7, (int)GpuModelOps.SlotGroupsLength(experts, chosen.Length)).ToArray());
        var ops = new GpuModelOps(d.Gpu);
        for (int pass = 0; pass < 2; pass++) // a second grouping over the used buffer starts from scratch
        {
            ops.GroupSlots(d.Upload(chosen), chosen.Length, experts, groups);
            var actual = d.Read(groups);
            int members = 2 * experts + 3, offset = 0;
            for (int e = 0; e <= experts; e++)
            {
                var expected = Enumerable.Range(0, chosen.Length).Where(s => e < experts ? chosen[s] == e : chosen[s] < 0 || chosen[s] >= experts).ToArray();
                Assert.Equal(offset, actual[e]);
                Assert.Equal(offset + expected.Length, actual[e + 1]);
                Assert.Equal(expected, actual[(members + offset)..(members + offset + expected.Length)].Order().ToArray());
                offset += expected.Length;
            }
        }
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void SwiGluMatchesTheCpuWithAndWithoutClampAndWeights(GpuDeviceKind kind, int index)
    {
        const int rows = 4, f = 37;
        var random = new Random(46);
        using var d = new DeviceArrays(GpuDevices.Get(kind, index));
        var ops = new GpuModelOps(d.Gpu);
        foreach (float clamp in new[] { 7f, 0f })
        {
            foreach (bool weighted in new[] { true, false })
            {
                var gate = Expect.Gaussian(random, rows * f, 5f);
                var up = Expect.Gaussian(random, rows * f, 5f);
                gate[0] = 100f; gate[1] = -100f; gate[2] = 0f; gate[3] = -30f; up[4] = 50f; up[5] = -50f;
                var rowWeights = Expect.Gaussian(random, rows);
                var g = (float[])gate.Clone();
                var u = (float[])up.Clone();
                if (clamp > 0)
                {
                    Elementwise.Min(g, clamp, g);
                    Elementwise.Clamp(u, -clamp, clamp, u);
                }
                for (int i = 0; i < g.Length; i++) g[i] = g[i] / (1f + MathF.Exp(-g[i])) * u[i];
                if (weighted)
                    for (int r = 0; r < rows; r++) Elementwise.Multiply(g.AsSpan(r * f, f), rowWeights[r], g.AsSpan(r * f, f));

                var gpuGate = d.Upload(gate);
                ops.SwiGlu(gpuGate, d.Upload(up), rows, f, clamp, weighted ? d.Upload(rowWeights) : default);
                var actual = d.Read(gpuGate);
                for (int i = 0; i < g.Length; i++) Expect.Within(g[i], actual[i], 4 * Expect.U * Math.Abs(g[i]), $"clamp {clamp} weighted {weighted} [{i}]");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void ScatterAddSlotsAddsEachTokensSlots(GpuDeviceKind kind, int index)
    {
        const int tokens = 3, k = 4, dim = 10;
        var random = new Random(47);
        var down = Expect.Gaussian(random, tokens * k * dim, 10f);
        var output = Expect.Gaussian(random, tokens * dim);
        using var d = new DeviceArrays(GpuDevices.Get(kind, index));
        var gpuOutput = d.Upload(output);
        new GpuModelOps(d.Gpu).ScatterAddSlots(d.Upload(down), tokens, k, dim, gpuOutput);
        var actual = d.Read(gpuOutput);
        for (int t = 0; t < tokens; t++)
        {
            for (int c = 0; c < dim; c++)
            {
                double expected = output[t * dim + c], magnitude = Math.Abs(expected);
                for (int s = 0; s < k; s++)
                {
                    expected += down[(t * k + s) * dim + c];
                    magnitude += Math.Abs(down[(t * k + s) * dim + c]);
                }
                Expect.Within(expected, actual[t * dim + c], (k + 1) * Expect.U * magnitude, $"token {t} [{c}]");
            }
        }
    }

    /// <summary>
    /// route → slot groups → gate (grouped) and up (per slot) expert products → SwiGLU (weights applied) → down expert
    /// product (grouped) → scatter-add onto the shared expert's output, against MixtureOfExperts.Forward. Each value passes three products of ≤ 64 terms (≤ 2·64·u of
    /// their magnitudes each), SwiGLU and the sums: the bound 2·10^-5·(|expected| + mean |expected|) holds that with a
    /// margin for magnitudes of the terms above the result's; a wrong expert or weight misses by the order of the value.
    /// </summary>
    [Theory]
    [MemberData(nameof(Devices))]
    public void RoutedExpertPipelineMatchesForward(GpuDeviceKind kind, int index)
    {
        const int hidden = 64, f = 32, experts = 8, k = 3, tokens = 4;
        using var moe = new SyntheticMoe(hidden, f, experts, k, vocab: 16, hash: false, expertClamp: 7f, sharedClamp: 0f, seed: 48);
        var x = Expect.Gaussian(new Random(49), tokens * hidden);
        int[] tokenIds = [1, 2, 3, 4];
        var expected = new float[tokens * hidden];
        new MixtureOfExperts(moe.Config, tokens).Forward(moe.Weights, x, tokenIds, tokens, expected);

        using var d = new DeviceArrays(GpuDevices.Get(kind, index));
        var gpu = d.Gpu;
        var ops = new GpuModelOps(gpu);
        using var router = gpu.Upload(GgmlType.F32, experts, hidden, SyntheticMoe.Bytes(moe.Router));
        using var gate = gpu.UploadExperts(GgmlType.F32, experts, f, hidden, SyntheticMoe.Bytes(moe.Gate));
        using var up = gpu.UploadExperts(GgmlType.F32, experts, f, hidden, SyntheticMoe.Bytes(moe.Up));
        using var down = gpu.UploadExperts(GgmlType.F32, experts, hidden, f, SyntheticMoe.Bytes(moe.Down));
        using var sharedGate = gpu.Upload(GgmlType.F32, f, hidden, SyntheticMoe.Bytes(moe.SharedGate));
        using var sharedUp = gpu.Upload(GgmlType.F32, f, hidden, SyntheticMoe.Bytes(moe.SharedUp));
        using var sharedDown = gpu.Upload(GgmlType.F32, hidden, f, SyntheticMoe.Bytes(moe.SharedDown));
        var gx = d.Upload(x);
        var logits = d.Zeros(tokens * experts);
        var chosen = d.Upload(new int[tokens * k]);
        var weights = d.Zeros(tokens * k);
        var g = d.Zeros(tokens * k * f);
        var u = d.Zeros(tokens * k * f);
        var slots = d.Zeros(tokens * k * hidden);
        var sg = d.Zeros(tokens * f);
        var su = d.Zeros(tokens * f);
        var output = d.Zeros(tokens * hidden);

        var groups = d.Upload(new int[GpuModelOps.SlotGroupsLength(experts, tokens * k)]);

        gpu.Multiply(router, gx, logits, tokens);
        ops.Route(logits, tokens, experts, k, d.Upload(moe.Bias!), default, default, moe.Config.ExpertWeightsNorm, moe.Config.ExpertWeightsScale, chosen, weights);
        ops.GroupSlots(chosen, tokens * k, experts, groups);
        ops.ExpertProductGrouped(gate, groups, tokens * k, gx, k, g);
        ops.ExpertProduct(up, chosen, tokens * k, gx, k, u);
        ops.SwiGlu(g, u, tokens * k, f, moe.Weights.ExpertClamp, weights);
        ops.ExpertProductGrouped(down, groups, tokens * k, g, 1, slots);
        gpu.Multiply(sharedGate, gx, sg, tokens);
        gpu.Multiply(sharedUp, gx, su, tokens);
        ops.SwiGlu(sg, su, tokens, f, moe.Weights.SharedClamp, default);
        gpu.Multiply(sharedDown, sg, output, tokens);
        ops.ScatterAddSlots(slots, tokens, k, hidden, output);

        var actual = d.Read(output);
        double mean = expected.Average(v => Math.Abs(v));
        for (int i = 0; i < expected.Length; i++) Expect.Within(expected[i], actual[i], 2e-5 * (Math.Abs(expected[i]) + mean), $"output[{i}]");
    }
}
