using System.Text.Json;
using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Models.DeepSeekV4;
using DeepSeekV4.Training.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepSeekV4.Training;

/// <summary>
/// `check-dsv4-tiny`: loads the dsv4-tiny F16 fixture (logits from DeepSeek's own reference code) into this model,
/// with QAT simulation on, and compares its logits for every case: the prompt (decode_only rows) and the prompt
/// followed by the generated ids (prefill_generate rows, teacher-forced), against the manifest's tolerances.
/// </summary>
public static class Dsv4TinyCheck
{
    /// <summary>One case's comparison: per-row max abs differences and whether they meet the manifest's tolerance.</summary>
    public sealed record CaseResult(string Name, int PromptLength, IReadOnlyList<double> RowDifferences, bool Pass)
    {
        public double Max => RowDifferences.Max();
        public double Median => RowDifferences.Order().ElementAt(RowDifferences.Count / 2);
        public int RowsOver(double limit) => RowDifferences.Count(d => d > limit);
    }

    public static int Run(string fixture)
    {
        var results = Compare(fixture);
        foreach (var r in results)
            Console.WriteLine($"{r.Name,-8} prompt {r.PromptLength,4}  rows {r.RowDifferences.Count,4}  max |Δ| {r.Max:E2}  median {r.Median:E2}  rows > 0.1: {r.RowsOver(0.1)}  {(r.Pass ? "PASS" : "FAIL")}");
        bool allPass = results.All(r => r.Pass);
        Console.WriteLine(allPass ? "dsv4-tiny: every case within the manifest's tolerances" : "dsv4-tiny: MISMATCH");
        return allPass ? 0 : 1;
    }

    public static IReadOnlyList<CaseResult> Compare(string fixture)
    {
        var results = new List<CaseResult>();
        using var file = GgufFile.Open(Path.Combine(fixture, "dsv4-tiny.f16.gguf"));
        var config = DeepSeekV4Config.FromGguf(file);
        var store = ParameterStore.FromGguf(file);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixture, "manifest.json")));
        int vocab = config.VocabSize;
        foreach (var c in manifest.RootElement.GetProperty("cases").EnumerateArray())
        {
            string name = c.GetProperty("name").GetString()!;
            var prompt = c.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var pg = c.GetProperty("prefill_generate");
            var generated = pg.GetProperty("generated_ids").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var ids = prompt.Concat(generated.SkipLast(1)).ToArray();
            var net = new Network(config, store, ids.Length);
            using var scope = NewDisposeScope();
            Tensor logits;
            using (no_grad()) logits = net.Forward(tensor(ids), new ForwardSettings { Qat = true, SparseIndexer = true }).Logits;

            var rows = new List<double>();
            var decode = ReadF32(Path.Combine(fixture, c.GetProperty("decode_only").GetProperty("logits").GetProperty("file").GetString()!), vocab);
            for (int r = 0; r < decode.shape[0]; r++) rows.Add(MaxAbs(logits[r], decode[r]));
            var prefill = ReadF32(Path.Combine(fixture, pg.GetProperty("logits").GetProperty("file").GetString()!), vocab);
            var positions = pg.GetProperty("row_positions").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            for (int r = 0; r < positions.Length; r++) rows.Add(MaxAbs(logits[positions[r]], prefill[r]));

            var sorted = rows.Order().ToArray();
            double median = sorted[sorted.Length / 2], max = sorted[^1];
            int over = rows.Count(d => d > 0.1);
            bool pass = prompt.Length <= 129
                ? max <= 1e-2
                : median <= 1e-3 && over <= Math.Max(2, (int)Math.Ceiling(0.01 * rows.Count)) && rows.All(double.IsFinite);
            results.Add(new CaseResult(name, prompt.Length, rows, pass));
        }
        return results;
    }

    private static double MaxAbs(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    private static Tensor ReadF32(string path, int vocab)
    {
        var bytes = File.ReadAllBytes(path);
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
        return tensor(values, [values.Length / vocab, vocab]);
    }
}
