using DeepSeekV4.Cli;
using DeepSeekV4.Cli.Commands;
using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Cli;

/// <summary>`dsv4 gguf-split`, `dsv4 make-model --split-*`, and split sets through `dsv4 logits` and the session engine.</summary>
public class GgufSplitCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dsv4-cli-split-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(ICliCommand command, params string[] args) => CliHarness.Run(command, args);

    private string Split(params string[] options)
    {
        string prefix = Path.Combine(_dir, "tiny");
        var (code, _, err) = Run(new GgufSplitCommand(), ["--split", .. options, TinyReference.F16Path, prefix]);
        Assert.True(code == 0, err);
        return prefix;
    }

    private byte[] Logits(string model, string name)
    {
        var c = TinyReference.Case("len7");
        string outPath = Path.Combine(_dir, name);
        var (code, _, err) = Run(new LogitsCommand(), "--model", model, "--tokens", string.Join(",", c.Prompt), "--mode", "stepwise", "--all", "--out", outPath);
        Assert.True(code == 0, err);
        return File.ReadAllBytes(outPath);
    }

    [Theory]
    [InlineData("--split-max-tensors", "60")]
    [InlineData("--no-tensor-first-split", "--split-max-tensors", "100")]
    public void Logits_of_a_set_opened_from_any_shard_are_bit_identical_to_the_single_files(params string[] options)
    {
        string prefix = Split(options);
        byte[] single = Logits(TinyReference.F16Path, "single.f32");
        string[] shards = Directory.GetFiles(_dir, "tiny-*-of-*.gguf").Order().ToArray();
        Assert.True(shards.Length >= 2);
        Assert.Equal(single, Logits(shards[0], "first.f32"));
        Assert.Equal(single, Logits(shards[^1], "last.f32"));
        Assert.StartsWith(prefix, shards[0]);
    }

    [Fact]
    public void A_session_imports_a_set_from_any_shard_as_one_model_with_the_single_files_completion()
    {
        Split("--no-tensor-first-split", "--split-max-tensors", "80");
        string[] shards = Directory.GetFiles(_dir, "tiny-*-of-*.gguf").Order().ToArray();
        var registry = new ModelRegistry(DeepSeekV4ModelLoader.Instance);
        using var session = new InferenceSession(registry);
        var fromFirst = session.Import(shards[0], "first", 256);
        var fromLast = session.Import(shards[^1], "last", 256);
        Assert.Same(fromFirst.Model, fromLast.Model);             // one model, whichever shard named it
        Assert.Equal(shards[0], fromLast.Path);
        using var reference = new InferenceSession(registry);
        var single = reference.Import(TinyReference.F16Path, "single", 256);
        var request = new CompletionRequest { Prompt = "Summarize: the quick brown fox", MaxTokens = 12, Sampling = new() { Temperature = 0 } };
        Assert.Equal(single.Complete(request).Text, fromLast.Complete(request).Text);
        Assert.Equal(registry.Estimate(TinyReference.F16Path, 256, default).WeightBytes, registry.Estimate(shards[1], 256, default).WeightBytes);
    }

    [Fact]
    public void Merge_writes_the_single_files_tensors_and_refuses_to_overwrite()
    {
        Split("--split-max-size", "2M");
        string first = Directory.GetFiles(_dir, "tiny-00001-of-*.gguf").Single();
        string merged = Path.Combine(_dir, "merged.gguf");
        var (code, output, err) = Run(new GgufSplitCommand(), "--merge", first, merged);
        Assert.True(code == 0, err);
        Assert.Contains("merged into", output);
        using var single = GgufFile.Open(TinyReference.F16Path);
        using var file = GgufFile.Open(merged);
        foreach (var t in single.Tensors)
            Assert.True(single.GetTensorData(t).SequenceEqual(file.GetTensorData(file.GetTensor(t.Name))), t.Name);
        Assert.NotEqual(0, Run(new GgufSplitCommand(), "--merge", first, merged).Code);
    }

    [Fact]
    public void Make_model_writes_a_set_named_after_its_out_file()
    {
        string outPath = Path.Combine(_dir, "made.gguf");
        var (code, output, err) = Run(new MakeModelCommand(), "--preset", "tiny", "--split-max-tensors", "100", "--no-tensor-first-split", "--out", outPath);
        Assert.True(code == 0, err);
        string[] shards = Directory.GetFiles(_dir, "made-*-of-*.gguf").Order().ToArray();
        Assert.Equal(3, shards.Length);                       // metadata only, 100 tensors, the remaining 78
        foreach (var shard in shards) Assert.Contains(shard, output);
        using var set = GgufFile.Open(shards[1]);
        Assert.Equal(178, set.Tensors.Count);
        Assert.False(File.Exists(outPath));
    }

    [Theory]
    [InlineData("--split", "--merge")]
    [InlineData("--split", "--split-max-tensors", "3", "--split-max-size", "1G")]
    [InlineData("--split", "--split-max-size", "12K")]
    [InlineData("--split", "--split-max-tensors", "0")]
    public void Contradictory_or_malformed_options_are_usage_errors(params string[] options)
    {
        var (code, _, err) = Run(new GgufSplitCommand(), [.. options, TinyReference.F16Path, Path.Combine(_dir, "x")]);
        Assert.NotEqual(0, code);
        Assert.NotEmpty(err);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Gguf_info_on_a_shard_describes_the_whole_set()
    {
        Split("--split-max-tensors", "100");
        string second = Directory.GetFiles(_dir, "tiny-00002-of-*.gguf").Single();
        var (code, output, err) = Run(new GgufInfoCommand(), second);
        Assert.True(code == 0, err);
        Assert.Contains("split set:    2 shards, 178 tensors", output);
        Assert.Contains("(100 tensors)", output);
        Assert.Contains("(78 tensors)", output);
        var (jsonCode, json, _) = Run(new GgufInfoCommand(), second, "--json");
        Assert.Equal(0, jsonCode);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(2, doc.RootElement.GetProperty("shards").GetArrayLength());
        Assert.Equal(2, doc.RootElement.GetProperty("tensors")[177].GetProperty("shard").GetInt32());
    }
}
