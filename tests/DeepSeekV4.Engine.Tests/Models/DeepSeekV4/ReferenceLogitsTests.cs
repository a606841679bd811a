using global::DeepSeekV4.Engine.KvCache;
using global::DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

/// <summary>
/// Logits against DeepSeek's reference (float32 run) for every case of the dsv4-tiny manifest, with the manifest's
/// tolerances. The F32 cache stores exactly what the float32 reference holds (FP8-rounded non-rotary dims, float32
/// rotary dims, FP4-rounded indexer keys), so it must meet the tolerances; the native cache rounds the rotary dims
/// to BF16 as the BF16 reference does, which moves logits by ~1e-2 on this model (half of each head is rotary), so
/// for it the greedy ids must match and rows stay within a looser bound. Greedy ids are checked by teacher forcing
/// (the argmax of every step equals the reference's id), which is what free-running greedy decoding then reproduces.
/// The F32-cache cases run with Fast and with Reference numerics (on this float checkpoint Reference rounds no
/// activations, as DeepSeek's code takes its plain float path: float32 products, the same QAT roundings of the KV).
/// </summary>
[Collection(TinyModelCollection.Name)]
public class ReferenceLogitsTests(TinyModelFixture fixture)
{
    public static TheoryData<string> Cases => new(TinyReference.CaseNames);

    public static TheoryData<string, DeepSeekV4Numerics> CasesByNumerics()
    {
        var data = new TheoryData<string, DeepSeekV4Numerics>();
        foreach (var numerics in new[] { DeepSeekV4Numerics.Fast, DeepSeekV4Numerics.Reference })
            foreach (var name in TinyReference.CaseNames) data.Add(name, numerics);
        return data;
    }

    [Theory]
    [MemberData(nameof(CasesByNumerics))]
    public void PrefillThenTeacherForcedDecodeMatchesReference(string name, DeepSeekV4Numerics numerics)
    {
        var c = TinyReference.Case(name);
        var run = PrefillGenerate(fixture.For(numerics), c, KvCacheFormat.F32);
        Assert.Null(TinyReference.CheckRows(c.Prompt.Length, run.Deviations));
        // Every step's argmax is the reference's greedy id, so free-running greedy decoding gives the same ids.
        Assert.Equal(c.Generated, run.ArgMax);
    }

    [Theory]
    [MemberData(nameof(CasesByNumerics))]
    public void StepwiseDecodeFromPositionZeroMatchesReference(string name, DeepSeekV4Numerics numerics) =>
        AssertStepwise(fixture.For(numerics), TinyReference.Case(name), KvCacheFormat.F32);

    [Theory]
    [MemberData(nameof(Cases))]
    public void NativeCacheKeepsTheGreedyIdsAndStaysCloseToReference(string name) =>
        AssertNativeCache(fixture.Model, TinyReference.Case(name));

    [Fact]
    public void FreeRunningGreedyDecodingReproducesTheReferenceIds()
    {
        var c = TinyReference.Case("text");
        Assert.Equal(c.Generated, Greedy(fixture.Model, c, KvCacheFormat.Native));
    }

    [F32ModelFact]
    [Trait("Category", "Slow")]
    public void F32ModelFileMatchesReferenceOnEveryCase()
    {
        using var model = DeepSeekV4Model.Load(TinyReference.F32Path!);
        foreach (var name in TinyReference.CaseNames)
        {
            var c = TinyReference.Case(name);
            AssertPrefillGenerate(model, c, KvCacheFormat.F32);
            AssertStepwise(model, c, KvCacheFormat.F32);
            Assert.Equal(c.Generated, PrefillGenerate(model, c, KvCacheFormat.Native).ArgMax);
        }
    }

    internal static void AssertNativeCache(DeepSeekV4Model model, TinyCase c)
    {
        var run = PrefillGenerate(model, c, KvCacheFormat.Native);
        Assert.Equal(c.Generated, run.ArgMax);
        var sorted = run.Deviations.OrderBy(v => v).ToArray();
        // BF16 rotary dims: median ≈ 1e-2..3e-2 on this model; a real bug moves every row by far more.
        Assert.True(sorted[sorted.Length / 2] <= 0.05f, $"median row deviation {sorted[sorted.Length / 2]}");
        Assert.True(run.Deviations.Count(v => v > 0.2f) <= 1, $"rows above 0.2: {string.Join(", ", run.Deviations.Where(v => v > 0.2f))}");
    }

    internal static void AssertPrefillGenerate(DeepSeekV4Model model, TinyCase c, KvCacheFormat format)
    {
        var run = PrefillGenerate(model, c, format);
        Assert.Null(TinyReference.CheckRows(c.Prompt.Length, run.Deviations));
        Assert.Equal(c.Generated, run.ArgMax);
    }

    // Row 0: one forward over the prompt; row i: after feeding generated[i − 1] (teacher forcing).
    internal static (List<float> Deviations, int[] ArgMax) PrefillGenerate(DeepSeekV4Model model, TinyCase c, KvCacheFormat format)
    {
        using var sequence = model.CreateSequence(1024, format);
        var logits = new float[TinyReference.Vocab];
        var argMax = new int[c.Generated.Length];
        sequence.Forward(c.Prompt, logits);
        var rows = new List<float> { TinyReference.RowDeviation(logits, c.PrefillRow(0)) };
        argMax[0] = TinyReference.ArgMax(logits);
        for (int i = 1; i < c.Generated.Length; i++)
        {
            sequence.Forward([c.Generated[i - 1]], logits);
            rows.Add(TinyReference.RowDeviation(logits, c.PrefillRow(i)));
            argMax[i] = TinyReference.ArgMax(logits);
        }
        return (rows, argMax);
    }

    internal static void AssertStepwise(DeepSeekV4Model model, TinyCase c, KvCacheFormat format)
    {
        using var sequence = model.CreateSequence(1024, format);
        var logits = new float[TinyReference.Vocab];
        var rows = new List<float>();
        for (int p = 0; p < c.Prompt.Length; p++)
        {
            sequence.Forward([c.Prompt[p]], logits);
            rows.Add(TinyReference.RowDeviation(logits, c.DecodeRow(p)));
        }
        Assert.Null(TinyReference.CheckRows(c.Prompt.Length, rows));
    }

    internal static int[] Greedy(DeepSeekV4Model model, TinyCase c, KvCacheFormat format)
    {
        using var sequence = model.CreateSequence(1024, format);
        var logits = new float[TinyReference.Vocab];
        var ids = new int[c.Generated.Length];
        sequence.Forward(c.Prompt, logits);
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = TinyReference.ArgMax(logits);
            if (i + 1 < ids.Length) sequence.Forward([ids[i]], logits);
        }
        return ids;
    }
}

/// <summary>A fact that runs only where the F32 twin of the tiny model exists (it is not in the repository).</summary>
public sealed class F32ModelFactAttribute : FactAttribute
{
    public F32ModelFactAttribute()
    {
        if (TinyReference.F32Path is null)
            Skip = "dsv4-tiny.f32.gguf is not on this machine (only /work/shared has it); the F16 file decodes to the same weights";
    }
}
