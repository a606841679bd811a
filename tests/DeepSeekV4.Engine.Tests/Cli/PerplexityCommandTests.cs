using System.Text.Json;
using DeepSeekV4.Cli;
using DeepSeekV4.Cli.Commands;

namespace DeepSeekV4.Engine.Tests.Cli;

/// <summary>`dsv4 perplexity` through CliRunner on the dsv4-tiny fixture model (a real forward pass in every KV format).</summary>
public sealed class PerplexityCommandTests : IDisposable
{
    private static readonly string Model = FixturePaths.Get("dsv4-tiny", "dsv4-tiny.f16.gguf");
    private static readonly string[] Fields =
    [
        "Source", "Model", "KvCacheType", "BaselineModel", "BaselineKvCacheType", "BytesPerToken", "Tokens", "Perplexity", "PerplexityError",
        "PerplexityDelta", "BaselinePerplexity", "MeanNll", "MeanNllError", "MeanKld", "MeanKldError", "MedianKld", "Percentile99Kld", "MaxKld",
        "Top1AgreementPercent", "Top1AgreementError", "TokensPerSecond", "ContextLength", "Stride", "Windows", "Elapsed",
    ];

    private readonly string _text = Path.Combine(Path.GetTempPath(), $"dsv4-ppl-{Guid.NewGuid():N}.txt");

    public PerplexityCommandTests()
    {
        // About 130 tokens of the tiny vocabulary (learned on the GPL): two windows of 64.
        File.WriteAllText(_text, string.Concat(Enumerable.Repeat(
            "This program is free software: you can redistribute it and/or modify it under the terms of the license. ", 5)));
    }

    public void Dispose() => File.Delete(_text);

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliRunner.Run(new PerplexityCommand(), args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static List<JsonElement> Json(string output) => JsonDocument.Parse(output).RootElement.EnumerateArray().ToList();

    private static double D(JsonElement e, string name) => e.GetProperty(name).GetDouble();

    [Fact]
    public void Json_has_one_row_per_format_against_the_native_baseline()
    {
        var (code, output, error) = Run("--model", Model, "--text", _text, "--ctx", "64", "--kv-cache", "native,f16,q4_0", "--json");
        Assert.True(code == 0, error);
        var rows = Json(output);
        Assert.Equal(["Native", "F16", "Q4_0"], rows.Select(r => r.GetProperty("KvCacheType").GetString()));
        Assert.All(rows, r => Assert.All(Fields, f => Assert.True(r.TryGetProperty(f, out _), $"missing {f}")));
        var (native, f16, q4) = (rows[0], rows[1], rows[2]);
        Assert.Equal(0, D(native, "MeanKld"));
        Assert.Equal(100, D(native, "Top1AgreementPercent"));
        Assert.True(D(q4, "MeanKld") > D(f16, "MeanKld"), $"Q4_0 {D(q4, "MeanKld")} vs F16 {D(f16, "MeanKld")}");
        Assert.True(D(q4, "MeanKld") > 0);
        // Sizes follow the formats: F16 rows are wider than the FP8/BF16 native ones, Q4_0 rows narrower.
        Assert.True(D(f16, "BytesPerToken") > D(native, "BytesPerToken") && D(native, "BytesPerToken") > D(q4, "BytesPerToken"));
        Assert.All(rows, r => Assert.Equal(D(native, "Perplexity"), D(r, "BaselinePerplexity"), 3));
        Assert.All(rows, r => Assert.Equal(D(r, "Perplexity") - D(native, "Perplexity"), D(r, "PerplexityDelta"), 2));
        Assert.Equal(Path.GetFullPath(_text), native.GetProperty("Source").GetString());
    }

    [Fact]
    public void Another_baseline_format_sees_the_same_perplexities_from_the_other_side()
    {
        var byNative = Json(Run("--model", Model, "--text", _text, "--ctx", "64", "--kv-cache", "native,q8_0", "--json").Output);
        var (code, output, error) = Run("--model", Model, "--text", _text, "--ctx", "64", "--kv-cache", "native", "--baseline", "q8_0", "--json");
        Assert.True(code == 0, error);
        var native = Assert.Single(Json(output));
        Assert.Equal("Q8_0", native.GetProperty("BaselineKvCacheType").GetString());
        Assert.Equal(D(byNative[0], "Perplexity"), D(native, "Perplexity"), 6);
        Assert.Equal(D(byNative[1], "Perplexity"), D(native, "BaselinePerplexity"), 3);
        Assert.True(D(native, "MeanKld") > 0);
        Assert.True(D(native, "Top1AgreementPercent") < 100 || D(native, "MaxKld") > 0);
    }

    [Fact]
    public void A_gguf_baseline_is_loaded_as_the_baseline_model()
    {
        var (code, output, error) = Run("--model", Model, "--text", _text, "--ctx", "64", "--kv-cache", "q8_0", "--baseline", Model, "--json");
        Assert.True(code == 0, error);
        var row = Assert.Single(Json(output));
        Assert.Equal("baseline", row.GetProperty("BaselineModel").GetString());
        Assert.Equal("Native", row.GetProperty("BaselineKvCacheType").GetString());
        Assert.True(D(row, "MeanKld") > 0);
    }

    [Fact]
    public void The_table_names_every_format()
    {
        var (code, output, error) = Run("--model", Model, "--text", _text, "--ctx", "128", "--kv-cache", "native,q4_0");
        Assert.True(code == 0, error);
        Assert.Contains("| KV cache | bytes/token | PPL | ΔPPL | mean NLL | tokens | mean KLD |", output);
        Assert.Contains("| Native |", output);
        Assert.Contains("| Q4_0 |", output);
    }

    [Theory]
    [InlineData("--kv-cache", "q5_0")]
    [InlineData("--baseline", "/nonexistent/base.gguf")]
    [InlineData("--ctx", "2")]
    [InlineData("--bogus", "1")]
    public void Bad_options_are_usage_errors(string option, string value)
    {
        var (code, _, error) = Run("--model", Model, "--text", _text, option, value);
        Assert.True(code == 2, error);
    }

    [Fact]
    public void Missing_files_are_errors()
    {
        Assert.Equal(2, Run("--model", Model).Code);
        Assert.Equal(1, Run("--model", Model, "--text", "/nonexistent/text.txt").Code);
        Assert.Equal(1, Run("--model", "/nonexistent/model.gguf", "--text", _text).Code);
    }
}
