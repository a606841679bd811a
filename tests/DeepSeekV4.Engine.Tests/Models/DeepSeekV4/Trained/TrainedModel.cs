using System.Text.Json;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4.Trained;

/// <summary>
/// The model trained on system-administration text (models/dsv4-sysadmin.gguf, made by tools/DeepSeekV4.Training) and
/// the training framework's logits for it (tests/fixtures/dsv4-sysadmin, written at export).
/// </summary>
public static class TrainedModel
{
    public static string ModelPath => Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(FixturePaths.FixturesRoot))!, "models", "dsv4-sysadmin.gguf");

    public static string FixtureDirectory => FixturePaths.Get("dsv4-sysadmin");

    public sealed record Window(string Name, int[] Tokens, int[] RowPositions, float[] Logits, int Vocabulary);

    public sealed record Fixture(string ModelFile, string ModelSha256, IReadOnlyList<Window> Windows);

    public static Fixture Read()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureDirectory, "manifest.json")));
        var root = doc.RootElement;
        var windows = new List<Window>();
        foreach (var c in root.GetProperty("cases").EnumerateArray())
        {
            int[] tokens = Ints(File.ReadAllBytes(Path.Combine(FixtureDirectory, c.GetProperty("tokens").GetProperty("file").GetString()!)));
            var logitsInfo = c.GetProperty("logits");
            int vocabulary = logitsInfo.GetProperty("shape")[1].GetInt32();
            float[] logits = Floats(File.ReadAllBytes(Path.Combine(FixtureDirectory, logitsInfo.GetProperty("file").GetString()!)));
            int[] rows = [.. c.GetProperty("row_positions").EnumerateArray().Select(e => e.GetInt32())];
            Assert.Equal(rows.Length * vocabulary, logits.Length);
            windows.Add(new Window(c.GetProperty("name").GetString()!, tokens, rows, logits, vocabulary));
        }
        return new Fixture(root.GetProperty("model").GetString()!, root.GetProperty("model_sha256").GetString()!, windows);
    }

    private static int[] Ints(byte[] bytes) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(bytes).ToArray();

    private static float[] Floats(byte[] bytes) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
}
