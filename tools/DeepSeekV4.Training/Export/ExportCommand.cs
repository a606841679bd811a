using System.Globalization;
using System.Text.Json;
using DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;
using DeepSeekV4.Training.Model;
using DeepSeekV4.Training.Training;

namespace DeepSeekV4.Training.Export;

/// <summary>
/// `export`: checkpoint → GGUF (Q8_0 by default) with the tokenizer's keys, the logits fixture, and the held-out
/// perplexity of the exported weights against the corpus's unigram perplexity (stats.json).
/// </summary>
public static class ExportCommand
{
    public static int Run(Options o)
    {
        string checkpoint = o.Required("checkpoint"), output = o.Required("out");
        string data = o.String("data", "/work/corpus-out");
        string tokenizer = o.String("tokenizer", Path.Combine(data, "tokenizer.gguf"));
        string fixtureDir = o.String("fixture-dir", "tests/fixtures/dsv4-sysadmin");
        var mix = SyntheticWeightMixes.Parse(o.String("type", "q8_0"));
        var (setup, store, _) = Checkpoint.Load(checkpoint);
        var config = setup.ToConfig();
        string name = o.String("name", "dsv4-sysadmin");
        string description = FormattableString.Invariant(
            $"A small DeepSeek V4 ({store.ParameterCount:N0} parameters) trained by tools/DeepSeekV4.Training on system-administration text; seed {setup.Seed}, {setup.Steps} steps of {setup.Batch}x{setup.Context} tokens.");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        var exact = GgufExporter.Write(output, config, store, tokenizer, name, description, mix);
        Console.WriteLine($"{output}: {new FileInfo(output).Length:N0} bytes ({SyntheticWeightMixes.NameOf(mix)})");

        var heldout = new TokenData(Path.Combine(data, "heldout.u16"), config.VocabSize);
        var net = new Network(config, exact, Math.Max(setup.Context, 512));
        LogitsFixture.Write(fixtureDir, output, net, heldout, windows: 3, length: o.Int("fixture-length", 512), stride: o.Int("fixture-stride", 32));
        Console.WriteLine($"{fixtureDir}: {Directory.GetFiles(fixtureDir).Sum(f => new FileInfo(f).Length):N0} bytes");

        int windows = o.Int("eval-windows", 64);
        double loss = Trainer.HeldoutLoss(net, heldout, setup.Context, windows, qat: false);
        double perplexity = Math.Exp(loss);
        string statsPath = Path.Combine(data, "stats.json");
        double? unigram = File.Exists(statsPath) ? UnigramPerplexity(statsPath) : null;
        Console.WriteLine(FormattableString.Invariant(
            $"held-out ({windows} windows of {setup.Context}): loss {loss:F4}, perplexity {perplexity:F2}") +
            (unigram is { } u ? FormattableString.Invariant($"; unigram perplexity {u:F2}, ratio {perplexity / u:F4} (must be <= 0.125)") : ""));
        return 0;
    }

    /// <summary>The held-out unigram perplexity in part A's stats.json (the first number whose key names it).</summary>
    public static double? UnigramPerplexity(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return Find(doc.RootElement);

        static double? Find(JsonElement e)
        {
            if (e.ValueKind != JsonValueKind.Object) return null;
            foreach (var p in e.EnumerateObject())
            {
                string key = p.Name.ToLowerInvariant();
                if (key.Contains("unigram") && key.Contains("perplexity") && p.Value.ValueKind == JsonValueKind.Number) return p.Value.GetDouble();
                if (Find(p.Value) is { } inner) return inner;
            }
            return null;
        }
    }
}
