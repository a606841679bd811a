using System.IO.Compression;
using System.Text.Json;
using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Engine.Tests.Tokenization;

/// <summary>The tokenizer fixtures: DeepSeek-V3's tokenizer.json (gzipped) with its cases, and the tiny model's vocabulary.</summary>
public static class TokenizerFixtures
{
    public sealed record Case(string Text, int[] Ids);

    public static string DeepSeekDirectory => FixturePaths.Get("tokenizer", "deepseek-v3");

    private static readonly Lazy<Tokenizer> DeepSeekTokenizer = new(() => Tokenizer.FromTokenizerJson(OpenDeepSeekJson(), OpenDeepSeekConfig(), "deepseek-v3/tokenizer.json"));

    private static readonly Lazy<Tokenizer> TinyTokenizer = new(() =>
    {
        using var file = GgufFile.Open(FixturePaths.TinyModelF16);
        return Tokenizer.FromGguf(file);
    });

    /// <summary>Built once per test run (loading 128k tokens and merges takes a moment).</summary>
    public static Tokenizer DeepSeek => DeepSeekTokenizer.Value;

    public static Tokenizer Tiny => TinyTokenizer.Value;

    public static Stream OpenDeepSeekJson() =>
        new GZipStream(File.OpenRead(Path.Combine(DeepSeekDirectory, "tokenizer.json.gz")), CompressionMode.Decompress);

    public static Stream OpenDeepSeekConfig() => File.OpenRead(Path.Combine(DeepSeekDirectory, "tokenizer_config.json"));

    public static IReadOnlyList<Case> DeepSeekCases { get; } = File.ReadAllLines(Path.Combine(DeepSeekDirectory, "cases.jsonl"))
        .Where(l => l.Length > 0)
        .Select(l =>
        {
            using var doc = JsonDocument.Parse(l);
            var r = doc.RootElement;
            return new Case(r.GetProperty("text").GetString()!, r.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        })
        .ToList();

    public static IEnumerable<object[]> DeepSeekCaseIndexes => Enumerable.Range(0, DeepSeekCases.Count).Select(i => new object[] { i });

    public static IReadOnlyList<Case> TinyCases { get; } = LoadTinyCases();

    public static IEnumerable<object[]> TinyCaseIndexes => Enumerable.Range(0, TinyCases.Count).Select(i => new object[] { i });

    private static List<Case> LoadTinyCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(FixturePaths.Get("dsv4-tiny", "manifest.json")));
        return doc.RootElement.GetProperty("tokenizer_tests").GetProperty("cases").EnumerateArray()
            .Select(c => new Case(c.GetProperty("text").GetString()!, c.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray()))
            .ToList();
    }

    /// <summary>The manifest's "text" model case: its prompt ids (BOS + the paragraph) and the paragraph itself.</summary>
    public static (int[] PromptIds, string? Text) TinyTextCase()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(FixturePaths.Get("dsv4-tiny", "manifest.json")));
        var c = doc.RootElement.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == "text");
        string? text = c.TryGetProperty("text", out var t) ? t.GetString() : null;
        return (c.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(), text);
    }
}
