using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu.Backend;

/// <summary>
/// The whole model on the GPU backend (ILGPU's simulator runs the same kernels a CUDA device would) against DeepSeek's
/// reference logits, every case of the dsv4-tiny manifest with its tolerances: prefill + teacher-forced decode and
/// stepwise decode from position 0 with the F32 cache (what the float32 reference holds); the Native cache keeps the
/// greedy ids within the CPU tests' looser bound (its rotary dims are BF16).
/// </summary>
[Collection(GpuTinyModelCollection.Name)]
[Trait("Category", "GpuSimulator")]
public sealed class GpuReferenceLogitsTests(GpuTinyModelFixture gpu)
{
    public static TheoryData<string> Cases => new(TinyReference.CaseNames);

    [Theory]
    [MemberData(nameof(Cases))]
    public void PrefillThenTeacherForcedDecodeMatchesReference(string name) =>
        ReferenceLogitsTests.AssertPrefillGenerate(gpu.Model, TinyReference.Case(name), KvCacheFormat.F32);

    [Theory]
    [MemberData(nameof(Cases))]
    public void StepwiseDecodeFromPositionZeroMatchesReference(string name) =>
        ReferenceLogitsTests.AssertStepwise(gpu.Model, TinyReference.Case(name), KvCacheFormat.F32);

    [Theory]
    [MemberData(nameof(Cases))]
    public void NativeCacheKeepsTheGreedyIdsAndStaysCloseToReference(string name)
    {
        var c = TinyReference.Case(name);
        var run = ReferenceLogitsTests.PrefillGenerate(gpu.Model, c, KvCacheFormat.Native);
        Assert.Equal(c.Generated, run.ArgMax);
        var sorted = run.Deviations.OrderBy(v => v).ToArray();
        Assert.True(sorted[sorted.Length / 2] <= 0.05f, $"median row deviation {sorted[sorted.Length / 2]}");
        Assert.True(run.Deviations.Count(v => v > 0.2f) <= 1, $"rows above 0.2: {string.Join(", ", run.Deviations.Where(v => v > 0.2f))}");
    }
}
