using System.Security.Cryptography;
using System.Text.Json;
using DeepSeekV4.Cli;
using DeepSeekV4.Cli.Commands;
using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4.Synthetic;

public sealed class SyntheticModelWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dsv4-make-model-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string mix, ulong seed = 1, SyntheticPreset preset = SyntheticPreset.Tiny)
    {
        string path = Path.Combine(_dir, $"{preset}-{mix}-{seed}.gguf");
        SyntheticModelWriter.Write(path, SyntheticModelSpec.ForPreset(preset), SyntheticWeightMixes.Parse(mix), seed);
        return path;
    }

    public static TheoryData<string> Mixes() => ["f32", "f16", "q8_0", "q4_k", "iq2_xxs-experts", "ds4-q2", "ds4-q4", "converter"];

    [Theory]
    [MemberData(nameof(Mixes))]
    public void TinyModelHasEveryTensorWithTheNameTypeAndShapeItsConfigGives(string mix)
    {
        var expected = ExpectedDeepSeekV4Tensors.Shapes(DeepSeekV4Numbers.TinyFixture());
        using var file = GgufFile.Open(Write(mix));

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), file.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        foreach (var t in file.Tensors)
        {
            var (kind, shape) = expected[t.Name];
            Assert.True(shape.SequenceEqual(t.Dimensions), $"{t.Name}: shape {t.ShapeText}, expected [{string.Join(", ", shape)}]");
            Assert.True(ExpectedDeepSeekV4Tensors.ExpectedType(mix, kind, shape[0]) == t.Type, $"{t.Name}: {t.Type}");
        }
    }

    [Fact]
    public void TinyF16ModelHasTheFixturesTensorTableAndMetadataKeys()
    {
        using var fixture = GgufFile.Open(FixturePaths.TinyModelF16);
        using var made = GgufFile.Open(Write("f16"));

        var fixtureTensors = fixture.Tensors.ToDictionary(t => t.Name);
        Assert.Equal(fixture.Tensors.Count, made.Tensors.Count);
        foreach (var t in made.Tensors)
        {
            Assert.True(fixtureTensors.TryGetValue(t.Name, out var f), $"{t.Name} is not in the fixture");
            Assert.Equal(f.Type, t.Type);
            Assert.Equal(f.Dimensions, t.Dimensions);
        }

        Assert.Equal(fixture.MetadataKeys, made.MetadataKeys);
        foreach (string key in fixture.MetadataKeys)
        {
            var a = fixture.Metadata[key];
            var b = made.Metadata[key];
            Assert.True(a.Type == b.Type, $"{key}: {b.Type}, fixture {a.Type}");
            if (a.Array is { } fa) Assert.Equal(fa.ElementType, b.Array!.ElementType);
            if (key.StartsWith("deepseek4.", StringComparison.Ordinal) || key.StartsWith("general.a", StringComparison.Ordinal)
                || key is "general.file_type" or "tokenizer.ggml.model" or "tokenizer.ggml.pre")
            {
                if (a.Array is { } arr) Assert.Equal(arr.Items.Cast<object>(), b.Array!.Items.Cast<object>());
                else Assert.Equal(a.Value, b.Value);
            }
        }
        // Specials and byte tokens are the fixture's, id for id; the merged tokens are this generator's own.
        var fixtureTokens = fixture.Metadata["tokenizer.ggml.tokens"].Array!.As<string>();
        var madeTokens = made.Metadata["tokenizer.ggml.tokens"].Array!.As<string>();
        Assert.Equal(fixtureTokens[..263], madeTokens[..263]);
        Assert.Equal(fixture.Metadata["tokenizer.ggml.token_type"].Array!.As<int>(), made.Metadata["tokenizer.ggml.token_type"].Array!.As<int>());
        Assert.Equal(249, made.Metadata["tokenizer.ggml.merges"].Array!.Count);
    }

    [Fact]
    public void SameSeedGivesTheSameBytesAndAnotherSeedOtherWeights()
    {
        byte[] a = SHA256.HashData(File.ReadAllBytes(Write("q8_0", seed: 7)));
        string second = Path.Combine(_dir, "again.gguf");
        SyntheticModelWriter.Write(second, SyntheticModelSpec.ForPreset(SyntheticPreset.Tiny), SyntheticWeightMix.Q8_0, 7);
        Assert.Equal(a, SHA256.HashData(File.ReadAllBytes(second)));

        using var x = GgufFile.Open(second);
        using var y = GgufFile.Open(Write("q8_0", seed: 8));
        Assert.False(x.GetTensorData(x.GetTensor("blk.0.attn_q_b.weight")).SequenceEqual(y.GetTensorData(y.GetTensor("blk.0.attn_q_b.weight"))));
    }

    [Fact]
    public void F32WeightsHaveTheScalesThatKeepActivationsUnitSized()
    {
        var n = DeepSeekV4Numbers.TinyFixture();
        using var file = GgufFile.Open(Write("f32"));
        // Uniform values: a matrix's std is 1/sqrt(fan-in) (its ne0), the embedding's 1, norms are 1 ± 0.17.
        AssertStd(file, "blk.1.attn_q_b.weight", 0f, 1 / MathF.Sqrt(n.QLoraRank));
        AssertStd(file, "blk.4.ffn_down_exps.weight", 0f, 1 / MathF.Sqrt(n.MoeInterDim));
        AssertStd(file, "blk.2.attn_output_a.weight", 0f, 1 / MathF.Sqrt(n.Heads * n.HeadDim / n.OGroups));
        AssertStd(file, "token_embd.weight", 0f, 1f);
        AssertStd(file, "output.weight", 0f, 3 / MathF.Sqrt(n.Dim));
        var norm = file.GetTensorView("blk.3.ffn_norm.weight").ToFloatArray();
        Assert.All(norm, v => Assert.InRange(v, 1 - 0.18f, 1 + 0.18f));

        var tid2eid = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(file.GetTensorData(file.GetTensor("blk.0.ffn_gate_tid2eid.weight"))).ToArray();
        for (int token = 0; token < n.Vocab; token++)
        {
            var ids = tid2eid.AsSpan(token * n.ActivatedExperts, n.ActivatedExperts).ToArray();
            Assert.All(ids, id => Assert.InRange(id, 0, n.Experts - 1));
            Assert.Equal(ids.Length, ids.Distinct().Count());
        }
    }

    private static void AssertStd(GgufFile file, string name, float mean, float std)
    {
        var values = file.GetTensorView(name).ToFloatArray();
        double m = values.Average(v => (double)v);
        double s = Math.Sqrt(values.Average(v => (v - m) * (v - m)));
        Assert.True(Math.Abs(m - mean) < 0.05 * std + 1e-3, $"{name}: mean {m}");
        Assert.True(Math.Abs(s - std) < 0.05 * std, $"{name}: std {s}, expected {std}");
    }

    [Fact]
    public void MakeModelCommandWritesAFileThatGgufInfoReadsBackWithThePresetsShapes()
    {
        string path = Path.Combine(_dir, "cli.gguf");
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliRunner.Run(new MakeModelCommand(), ["--preset", "tiny", "--weights", "q8_0", "--seed", "3", "--out", path], output, error);
        Assert.True(code == 0, error.ToString());
        Assert.Contains("178 tensors", output.ToString());

        var info = new StringWriter();
        Assert.Equal(0, CliRunner.Run(new GgufInfoCommand(), [path, "--json"], info, error));
        using var doc = JsonDocument.Parse(info.ToString());
        var expected = ExpectedDeepSeekV4Tensors.Shapes(DeepSeekV4Numbers.TinyFixture());
        var tensors = doc.RootElement.GetProperty("tensors").EnumerateArray().ToList();
        Assert.Equal(expected.Count, tensors.Count);
        foreach (var t in tensors)
        {
            string name = t.GetProperty("name").GetString()!;
            var (kind, shape) = expected[name];
            Assert.Equal(shape, t.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray());
            Assert.Equal(GgmlTypeInfo.Of(ExpectedDeepSeekV4Tensors.ExpectedType("q8_0", kind, shape[0])).Name, t.GetProperty("type").GetString());
        }
        Assert.Equal("deepseek4", doc.RootElement.GetProperty("architecture").GetString());
    }

    [Theory]
    [InlineData(new[] { "--preset", "huge", "--out", "x.gguf" }, 2, "--preset")]
    [InlineData(new[] { "--preset", "tiny,flash", "--out", "x.gguf" }, 2, "--preset")]
    [InlineData(new[] { "--preset", "1", "--out", "x.gguf" }, 2, "--preset")]
    [InlineData(new[] { "--preset", "tiny" }, 2, "--out")]
    [InlineData(new[] { "--preset", "tiny", "--layers", "0", "--out", "x.gguf" }, 2, "--layers")]
    [InlineData(new[] { "--preset", "tiny", "--weights", "q3_k", "--out", "x.gguf" }, 1, "q3_k")]
    [InlineData(new[] { "--preset", "tiny", "--seed", "-4", "--out", "x.gguf" }, 2, "--seed")]
    [InlineData(new[] { "--preset", "tiny", "--colour", "red", "--out", "x.gguf" }, 2, "--colour")]
    public void MakeModelCommandRefusesBadOptionsNamingThem(string[] args, int exitCode, string named)
    {
        var error = new StringWriter();
        Assert.Equal(exitCode, CliRunner.Run(new MakeModelCommand(), args.Select(a => a == "x.gguf" ? Path.Combine(_dir, a) : a).ToArray(), new StringWriter(), error));
        Assert.Contains(named, error.ToString());
        Assert.False(File.Exists(Path.Combine(_dir, "x.gguf")));
    }
}
