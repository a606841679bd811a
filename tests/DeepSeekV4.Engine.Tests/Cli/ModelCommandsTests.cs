using System.Runtime.InteropServices;
using DeepSeekV4.Cli;
using DeepSeekV4.Cli.Commands;
using DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Cli;

/// <summary>`dsv4 logits` and `dsv4 generate` against the dsv4-tiny reference.</summary>
public class ModelCommandsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dsv4-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(ICliCommand command, params string[] args) => CliHarness.Run(command, args);

    [Fact]
    public void StepwiseAllLogitsFromAnIdsFileMatchTheReferenceRows()
    {
        var c = TinyReference.Case("len7");
        string ids = Path.Combine(_dir, "ids.txt");
        File.WriteAllText(ids, string.Join(" \n", c.Prompt));
        string outPath = Path.Combine(_dir, "out.f32");
        var (code, _, err) = Run(new LogitsCommand(), "--model", TinyReference.F16Path, "--tokens", "@" + ids, "--mode", "stepwise",
            "--kv-cache", "f32", "--all", "--out", outPath);
        Assert.True(code == 0, err);
        var logits = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(outPath)).ToArray();
        Assert.Equal(7 * TinyReference.Vocab, logits.Length);
        for (int p = 0; p < 7; p++)
            Assert.True(TinyReference.RowDeviation(logits.AsSpan(p * 512, 512), c.DecodeRow(p)) <= 1e-2f, $"row {p}");
    }

    [Theory]
    [InlineData("prefill")]
    [InlineData("chunked:3")]
    public void LastRowByDefaultMatchesTheReferencesPrefillRow(string mode)
    {
        var c = TinyReference.Case("len7");
        string outPath = Path.Combine(_dir, "last.f32");
        var (code, _, err) = Run(new LogitsCommand(), "--model", TinyReference.F16Path, "--tokens", string.Join(",", c.Prompt),
            "--mode", mode, "--kv-cache", "f32", "--out", outPath);
        Assert.True(code == 0, err);
        var logits = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(outPath)).ToArray();
        Assert.Equal(TinyReference.Vocab, logits.Length);
        Assert.True(TinyReference.RowDeviation(logits, c.PrefillRow(0)) <= 1e-2f);
    }

    [Fact]
    public void WithoutAKvCacheOptionStepwiseLogitsMeetTheManifestTolerance()
    {
        // Outside checks call `dsv4 logits` with no --kv-cache and compare against float32 reference runs.
        var c = TinyReference.Case("len129");
        string outPath = Path.Combine(_dir, "default.f32");
        var (code, _, err) = Run(new LogitsCommand(), "--model", TinyReference.F16Path, "--tokens", string.Join(",", c.Prompt),
            "--mode", "stepwise", "--all", "--out", outPath);
        Assert.True(code == 0, err);
        var logits = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(outPath)).ToArray();
        var deviations = Enumerable.Range(0, c.Prompt.Length)
            .Select(p => TinyReference.RowDeviation(logits.AsSpan(p * TinyReference.Vocab, TinyReference.Vocab), c.DecodeRow(p)))
            .ToList();
        Assert.Null(TinyReference.CheckRows(c.Prompt.Length, deviations));
    }

    [Fact]
    public void GeneratePrintsTheGreedyIds()
    {
        var c = TinyReference.Case("len7");
        var (code, output, err) = Run(new GenerateCommand(), "--model", TinyReference.F16Path, "--tokens", string.Join(",", c.Prompt), "--greedy", "-n", "16");
        Assert.True(code == 0, err);
        Assert.Equal(string.Join(",", c.Generated), output.Trim());
    }

    [Theory]
    [InlineData("--mode", "chunked:0")]
    [InlineData("--mode", "batch")]
    [InlineData("--kv-cache", "q5_1")]
    [InlineData("--tokens", "1,x")]
    public void BadOptionsAreUsageErrors(string option, string value)
    {
        var args = new List<string> { "--model", TinyReference.F16Path, "--tokens", "1,2", "--out", Path.Combine(_dir, "x.f32") };
        int i = args.IndexOf(option);
        if (i >= 0) args[i + 1] = value;
        else args.AddRange([option, value]);
        var (code, _, err) = Run(new LogitsCommand(), [.. args]);
        Assert.Equal(2, code);
        Assert.Contains(value.Split(',')[^1], err);
    }

    [Fact]
    public void AnOutOfVocabularyTokenIsAClearError()
    {
        var (code, _, err) = Run(new LogitsCommand(), "--model", TinyReference.F16Path, "--tokens", "1,999", "--out", Path.Combine(_dir, "x.f32"));
        Assert.Equal(1, code);
        Assert.Contains("999", err);
        Assert.Contains("0..511", err);
    }

    [Fact]
    public void GenerateWithoutGreedyIsRefused()
    {
        var (code, _, err) = Run(new GenerateCommand(), "--model", TinyReference.F16Path, "--tokens", "1", "-n", "2");
        Assert.Equal(2, code);
        Assert.Contains("--greedy", err);
    }
}
