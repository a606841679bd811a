using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu.Backend;

/// <summary>
/// The whole model on the GPU backend against DeepSeek's reference logits with the manifest's tolerances, every case of
/// the manifest: prefill + teacher-forced decode and stepwise decode with the F32 cache, prefill + decode with the Native
/// cache. On a machine with a CUDA device the fixture takes it (seconds); here the simulator's narrow shape runs the
/// ~750 forward passes in about ten minutes, so the set has its own category, GpuSimulatorManifest, which the test
/// command runs (`dotnet test tests/DeepSeekV4.Engine.Tests -c Release --filter Category=GpuSimulatorManifest` alone).
/// </summary>
[Collection(GpuTinyModelCollection.Name)]
public sealed class GpuReferenceLogitsTests(GpuTinyModelFixture gpu)
{
    public static TheoryData<string> Cases => new(TinyReference.CaseNames);

    [Theory]
    [Trait("Category", "GpuSimulatorManifest")]
    [MemberData(nameof(Cases))]
    public void PrefillThenTeacherForcedDecodeMatchesReference(string name) =>
        ReferenceLogitsTests.AssertPrefillGenerate(gpu.Model, TinyReference.Case(name), KvCacheFormat.F32);

    [Theory]
    [Trait("Category", "GpuSimulatorManifest")]
    [MemberData(nameof(Cases))]
    public void StepwiseDecodeFromPositionZeroMatchesReference(string name) =>
        ReferenceLogitsTests.AssertStepwise(gpu.Model, TinyReference.Case(name), KvCacheFormat.F32);

    [Theory]
    [Trait("Category", "GpuSimulatorManifest")]
    [MemberData(nameof(Cases))]
    public void NativeCacheKeepsTheGreedyIdsAndStaysCloseToReference(string name) =>
        ReferenceLogitsTests.AssertNativeCache(gpu.Model, TinyReference.Case(name));
}
