using System.Text.Json;
using DeepSeekV4.Cli;
using DeepSeekV4.Cli.Commands;
using DeepSeekV4.Engine.Tests.Tensors;

namespace DeepSeekV4.Engine.Tests.Cli;

/// <summary>`dsv4 gguf-info` on the fixtures; expected tensor types and sizes come from ggml-quants/types.tsv.</summary>
public class GgufInfoCommandTests
{
    private static readonly string Quants = FixturePaths.Get("ggml-quants", "normal.gguf");

    /// <summary>tensor → (ggml type name, bytes) from types.tsv, plus the F32 source tensor (16 × 512 × 4 bytes).</summary>
    private static readonly Dictionary<string, (string Type, long Bytes)> Expected = File.ReadAllLines(FixturePaths.Get("ggml-quants", "types.tsv"))
        .Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t'))
        .Select(f => (f[0], (f[2].ToUpperInvariant(), long.Parse(f[6]))))
        .Append(("source", ("F32", 16L * 512 * 4)))
        .ToDictionary(x => x.Item1, x => x.Item2);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        int code = CliRunner.Run(new GgufInfoCommand(), args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void TextListsEveryTensorWithTypeShapeAndBytesAndTheTotals()
    {
        var (code, text, _) = Run(Quants);
        Assert.Equal(0, code);
        Assert.Contains("version:      3", text);
        Assert.Contains("architecture: (none)", text);
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        foreach (var (name, (type, bytes)) in Expected)
        {
            var cols = lines.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Single(c => c.Length > 0 && c[0] == name);
            Assert.Equal([name, type, "[512,", "16]", bytes.ToString()], cols);
        }
        foreach (var (type, group) in Expected.Values.GroupBy(v => v.Type).Select(g => (g.Key, g.ToList())))
            Assert.Contains(lines, l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var t, var n, "tensors", var el, "elements", var b, "bytes"]
                                        && t == type && n == group.Count.ToString() && el == (group.Count * 512L * 16).ToString() && b == group.Sum(x => x.Bytes).ToString());
        Assert.Contains(lines, l => l.StartsWith("  all ") && l.Contains($" {Expected.Values.Sum(v => v.Bytes)} bytes"));
    }

    [Fact]
    public void LongArraysAreSummarized()
    {
        var (_, text, _) = Run(Quants);
        string line = text.Split('\n').Single(l => l.TrimStart().StartsWith("fixture.imatrix ="));
        Assert.Contains("… (504 more)] (ARRAY of FLOAT32, 512)", line);
        Assert.Contains("fixture.rows = 16 (UINT32)", text);
    }

    [Fact]
    public void TinyModelShowsItsArchitecture()
    {
        var (code, text, _) = Run(FixturePaths.TinyModelF16);
        Assert.Equal(0, code);
        Assert.Contains("architecture: deepseek4", text);
        Assert.Contains("tensors (178):", text);
        Assert.Contains("tokenizer.ggml.tokens = [\"<｜begin▁of▁sentence｜>\"", text);
        Assert.Contains("(504 more)] (ARRAY of STRING, 512)", text);
    }

    [Fact]
    public void JsonHoldsTheSameFacts()
    {
        var (code, json, _) = Run(Quants, "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal(3, root.GetProperty("version").GetInt32());
        Assert.Equal(32, root.GetProperty("alignment").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("architecture").ValueKind);
        Assert.Equal(new FileInfo(Quants).Length, root.GetProperty("file_size").GetInt64());
        var tensors = root.GetProperty("tensors").EnumerateArray().ToList();
        Assert.Equal(Expected.Count, tensors.Count);
        foreach (var t in tensors)
        {
            var (type, bytes) = Expected[t.GetProperty("name").GetString()!];
            Assert.Equal(type, t.GetProperty("type").GetString());
            Assert.Equal(bytes, t.GetProperty("bytes").GetInt64());
            Assert.Equal([512L, 16L], t.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
            Assert.Equal(0, t.GetProperty("offset").GetInt64() % 32);
        }
        var imatrix = root.GetProperty("metadata").GetProperty("fixture.imatrix");
        Assert.Equal("ARRAY", imatrix.GetProperty("type").GetString());
        Assert.Equal("FLOAT32", imatrix.GetProperty("element_type").GetString());
        Assert.Equal(512, imatrix.GetProperty("count").GetInt32());
        var expectedHead = GgmlQuantsFixture.ReadFloats("normal.imatrix.f32").Take(8);
        Assert.Equal(expectedHead, imatrix.GetProperty("head").EnumerateArray().Select(e => e.GetSingle()));
        var rows = root.GetProperty("metadata").GetProperty("fixture.rows");
        Assert.Equal(("UINT32", 16), (rows.GetProperty("type").GetString(), rows.GetProperty("value").GetInt32()));
        Assert.Equal(Expected.Values.Sum(v => v.Bytes), root.GetProperty("totals").EnumerateArray().Sum(t => t.GetProperty("bytes").GetInt64()));
    }

    [Fact]
    public void MissingFileIsReportedWithItsPath()
    {
        var (code, _, err) = Run("/no/such/file.gguf");
        Assert.Equal(1, code);
        Assert.Contains("/no/such/file.gguf", err);
    }

    [Fact]
    public void MalformedFileIsReportedWithFieldAndOffset()
    {
        string path = Path.Combine(Path.GetTempPath(), $"dsv4-bad-{Guid.NewGuid():N}.gguf");
        File.WriteAllBytes(path, [.. "GGUF"u8, 0, 0, 0, 3, .. new byte[16]]);
        try
        {
            var (code, _, err) = Run(path);
            Assert.Equal(1, code);
            Assert.Contains("big-endian", err);
            Assert.Contains("byte offset 4 (version)", err);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("a.gguf b.gguf")]
    [InlineData("a.gguf --jsn")]
    public void WrongUsageIsRefused(string args) => Assert.Equal(2, Run(args.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Code);
}
