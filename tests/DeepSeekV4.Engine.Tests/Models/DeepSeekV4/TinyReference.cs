using System.Runtime.InteropServices;
using System.Text.Json;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

/// <summary>
/// The dsv4-tiny oracle (tests/fixtures/dsv4-tiny): cases with prompt ids, greedy ids and reference logits made by
/// DeepSeek's own reference code, plus the recommended tolerances (README "How to compare").
/// </summary>
public static class TinyReference
{
    public const int Vocab = 512;
    private static readonly Lazy<JsonDocument> Manifest = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(FixturePaths.Get("dsv4-tiny", "manifest.json"))));

    public static string F16Path => FixturePaths.TinyModelF16;

    /// <summary>The F32 twin, present only on machines with /work/shared (null elsewhere).</summary>
    public static string? F32Path
    {
        get
        {
            string[] candidates = [FixturePaths.Get("dsv4-tiny", "dsv4-tiny.f32.gguf"), "/work/shared/fixtures/dsv4-tiny/dsv4-tiny.f32.gguf"];
            return candidates.FirstOrDefault(File.Exists);
        }
    }

    public static IEnumerable<string> CaseNames =>
        Manifest.Value.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!);

    public static TinyCase Case(string name)
    {
        var c = Manifest.Value.RootElement.GetProperty("cases").EnumerateArray().First(e => e.GetProperty("name").GetString() == name);
        var prefill = c.GetProperty("prefill_generate");
        return new TinyCase(
            name,
            c.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            prefill.GetProperty("generated_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            prefill.GetProperty("top1_top2_margins").EnumerateArray().Select(e => e.GetSingle()).ToArray(),
            ReadFloats(prefill.GetProperty("logits").GetProperty("file").GetString()!),
            ReadFloats(c.GetProperty("decode_only").GetProperty("logits").GetProperty("file").GetString()!));
    }

    public static float[] ReadFloats(string file) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(FixturePaths.Get("dsv4-tiny", file))).ToArray();

    public static int[] ReadInts(string file) => MemoryMarshal.Cast<byte, int>(File.ReadAllBytes(FixturePaths.Get("dsv4-tiny", file))).ToArray();

    /// <summary>Row metric: max over the vocabulary of |actual − expected|.</summary>
    public static float RowDeviation(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        float max = 0;
        for (int i = 0; i < expected.Length; i++) max = MathF.Max(max, MathF.Abs(actual[i] - expected[i]));
        return float.IsNaN(actual[0]) ? float.NaN : max;
    }

    /// <summary>
    /// The manifest's tolerance for a case's rows: short cases (≤ 129 prompt tokens) every row ≤ 1e-2; long cases
    /// median ≤ 1e-3 and every row ≤ 0.1 except at most max(2, ⌈1% of rows⌉) rows, which must be finite.
    /// Returns null when the rows pass, else a description of the failure.
    /// </summary>
    public static string? CheckRows(int promptLength, IReadOnlyList<float> deviations)
    {
        if (deviations.Any(float.IsNaN)) return "a row is not finite";
        if (promptLength <= 129)
        {
            float worst = deviations.Max();
            return worst <= 1e-2f ? null : $"worst row deviation {worst} > 1e-2 (rows: {Describe(deviations)})";
        }
        var sorted = deviations.OrderBy(v => v).ToArray();
        float median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        int outliers = deviations.Count(v => v > 0.1f);
        int allowed = Math.Max(2, (int)Math.Ceiling(0.01 * deviations.Count));
        if (median > 1e-3f) return $"median row deviation {median} > 1e-3 (rows: {Describe(deviations)})";
        if (outliers > allowed) return $"{outliers} rows deviate by more than 0.1, at most {allowed} allowed (rows: {Describe(deviations)})";
        return null;
    }

    private static string Describe(IReadOnlyList<float> deviations) =>
        string.Join(", ", deviations.Select((v, i) => (v, i)).OrderByDescending(p => p.v).Take(5).Select(p => $"#{p.i}={p.v:G3}"));

    public static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int i = 1; i < row.Length; i++)
            if (row[i] > row[best]) best = i;
        return best;
    }
}

public sealed record TinyCase(string Name, int[] Prompt, int[] Generated, float[] Margins, float[] PrefillGenerateLogits, float[] DecodeOnlyLogits)
{
    public ReadOnlySpan<float> PrefillRow(int i) => PrefillGenerateLogits.AsSpan(i * TinyReference.Vocab, TinyReference.Vocab);
    public ReadOnlySpan<float> DecodeRow(int i) => DecodeOnlyLogits.AsSpan(i * TinyReference.Vocab, TinyReference.Vocab);
}
