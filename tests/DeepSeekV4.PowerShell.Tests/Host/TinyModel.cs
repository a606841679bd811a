using System.Text.Json;
using DeepSeekV4.Engine.Gguf;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>
/// What the tests expect of the tiny fixture, read from the fixture itself (DeepSeek's config.json beside it, and the
/// GGUF's tensor table through the reader), never from the cmdlets under test.
/// </summary>
public static class TinyModel
{
    private static readonly Lazy<JsonElement> Config = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepositoryPaths.Get("tests", "fixtures", "dsv4-tiny", "config.json"))).RootElement.Clone());

    /// <summary>Maximum context (config.json max_seq_len: 1,024).</summary>
    public static int MaxContextLength => Config.Value.GetProperty("max_seq_len").GetInt32();

    public static int LayerCount => Config.Value.GetProperty("n_layers").GetInt32();

    public static int WindowSize => Config.Value.GetProperty("window_size").GetInt32();

    /// <summary>Per layer: 0 = sliding window only, 4 = CSA, 128 = HCA.</summary>
    public static int[] CompressRatios => [.. Config.Value.GetProperty("compress_ratios").EnumerateArray().Select(e => e.GetInt32())];

    /// <summary>The bytes of all tensor data in the file (the GGUF tensor table: type row size × rows).</summary>
    public static long TensorBytes(string path)
    {
        using var file = GgufFile.Open(path);
        return file.Tensors.Sum(t => t.ByteSize);
    }

    /// <summary>A text of about <paramref name="words"/> words (the tiny vocabulary makes several tokens of each).</summary>
    public static string Text(int words) =>
        string.Join(' ', Enumerable.Range(0, words).Select(i => Words[i % Words.Length]));

    private static readonly string[] Words =
        ["the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "while", "river", "stones", "hum", "softly", "at", "dusk"];
}
