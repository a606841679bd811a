using DeepSeekV4.Cli;
using DeepSeekV4.Cli.Commands;

namespace DeepSeekV4.Engine.Tests.Cli;

public class BenchCommandTests
{
    [Theory]
    [InlineData(new string[0], "--model")]
    [InlineData(new[] { "--model", "m.gguf", "--kv-cache", "q5_k" }, "--kv-cache")]
    [InlineData(new[] { "--model", "m.gguf", "--kv-cache", "f16,q8_0" }, "--kv-cache")]
    [InlineData(new[] { "--model", "m.gguf", "-p", "-3" }, "-p")]
    [InlineData(new[] { "--model", "m.gguf", "-p", "0", "-n", "0" }, "nothing to measure")]
    [InlineData(new[] { "--model", "m.gguf", "--threads", "0" }, "--threads")]
    [InlineData(new[] { "--model", "m.gguf", "--repetitions", "0" }, "--repetitions")]
    [InlineData(new[] { "--model", "m.gguf", "--mmap" }, "--mmap")]
    public void BadOptionsAreRefusedNamingThemBeforeAnyWork(string[] args, string named)
    {
        var error = new StringWriter();
        Assert.Equal(2, CliRunner.Run(new BenchCommand(), args, new StringWriter(), error));
        Assert.Contains(named, error.ToString());
    }

    [Fact]
    public void AMissingModelFileIsReportedWithItsPath()
    {
        var error = new StringWriter();
        string path = Path.Combine(Path.GetTempPath(), "no-such-dsv4-model.gguf");
        Assert.Equal(1, CliRunner.Run(new BenchCommand(), ["--model", path, "--json"], new StringWriter(), error));
        Assert.Contains(path, error.ToString());
    }

    [Fact]
    public void JsonReportHoldsTheRatesTheirSamplesAndTheBandwidthTheyImply()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliRunner.Run(new BenchCommand(),
            ["--model", FixturePaths.TinyModelF16, "-p", "16", "-n", "4", "--repetitions", "2", "--threads", "1", "--kv-cache", "f16", "--no-mmap", "--json"], output, error);
        Assert.True(code == 0, error.ToString());
        using var doc = System.Text.Json.JsonDocument.Parse(output.ToString());
        var r = doc.RootElement;
        double D(string name) => r.GetProperty(name).GetDouble();
        double[] Samples(string name) => [.. r.GetProperty(name).EnumerateArray().Select(e => e.GetDouble())];

        Assert.Equal(1, r.GetProperty("threads").GetInt32());
        Assert.Equal("f16", r.GetProperty("kv_cache").GetString());
        Assert.False(r.GetProperty("mmap").GetBoolean());
        // Whether the read-in weights are locked is the OS's answer, the same as for the file opened the same way here.
        using (var direct = Engine.Gguf.GgufFile.Open(FixturePaths.TinyModelF16, Engine.Gguf.GgufLoadMode.InMemory))
            Assert.Equal(direct.IsMemoryLocked, r.GetProperty("memory_locked").GetBoolean());
        Assert.Equal(2, Samples("pp_samples").Length);
        Assert.Equal(Samples("pp_samples").Average(), D("pp_tokens_per_second"), 9);
        Assert.Equal(Samples("tg_samples").Average(), D("tg_tokens_per_second"), 9);
        Assert.True(D("pp_stddev") >= 0 && D("tg_stddev") >= 0);
        Assert.True(D("peak_memory_bytes") > 0);
        Assert.Equal(D("weight_bytes_per_token") * D("tg_tokens_per_second"), D("tg_effective_bandwidth_bytes_per_second"), 3);
    }

    [Theory]
    [InlineData(new string[0], "fast", "native")]
    [InlineData(new[] { "--numerics", "reference" }, "reference", "f32")]
    [InlineData(new[] { "--numerics", "float" }, "float", "f32")]
    [InlineData(new[] { "--numerics", "reference", "--kv-cache", "native" }, "reference", "native")]
    public void WithoutKvCacheTheNumericsChoosesTheCacheAndTheReportSaysWhich(string[] extra, string numerics, string cache)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliRunner.Run(new BenchCommand(),
            ["--model", FixturePaths.TinyModelF16, "-p", "4", "-n", "1", "--repetitions", "1", "--threads", "1", "--json", .. extra], output, error);
        Assert.True(code == 0, error.ToString());
        using var doc = System.Text.Json.JsonDocument.Parse(output.ToString());
        Assert.Equal((numerics, cache), (doc.RootElement.GetProperty("numerics").GetString(), doc.RootElement.GetProperty("kv_cache").GetString()));
    }

    [Fact]
    public void JsonSchemaAddsTheMasksCostPerTokenAgainstGeneration()
    {
        string schema = Path.Combine(Directory.CreateTempSubdirectory("dsv4-bench-json-").FullName, "s.json");
        File.WriteAllText(schema, """{"type":"object","properties":{"a":{"type":"string","maxLength":8},"n":{"type":"integer"}},"required":["a","n"]}""");
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliRunner.Run(new BenchCommand(),
            ["--model", FixturePaths.TinyModelF16, "-p", "4", "-n", "5", "--repetitions", "2", "--threads", "1", "--json", "--json-schema", schema], output, error);
        Assert.True(code == 0, error.ToString());
        using var doc = System.Text.Json.JsonDocument.Parse(output.ToString());
        var r = doc.RootElement;
        Assert.Equal(10, r.GetProperty("json_mask_tokens").GetInt32());
        Assert.True(r.GetProperty("json_mask_ms_per_token").GetDouble() > 0);
        Assert.Equal(r.GetProperty("json_mask_ms_per_token").GetDouble() / (1e3 / r.GetProperty("tg_tokens_per_second").GetDouble()),
            r.GetProperty("json_mask_share_of_tg").GetDouble(), 9);
        Assert.Equal(2, CliRunner.Run(new BenchCommand(), ["--json-schema", schema, "--memory"], new StringWriter(), new StringWriter()));
    }

    [Fact]
    public void ProfileReportsEachTestsProductsByKindOfWeight()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliRunner.Run(new BenchCommand(),
            ["--model", FixturePaths.TinyModelF16, "-p", "8", "-n", "3", "--repetitions", "2", "--threads", "1", "--json", "--profile"], output, error);
        Assert.True(code == 0, error.ToString());
        using var doc = System.Text.Json.JsonDocument.Parse(output.ToString());
        var tg = doc.RootElement.GetProperty("tg_profile");
        Assert.Equal(6, tg.GetProperty("tokens").GetInt32());
        var weights = tg.GetProperty("weights").EnumerateArray().ToList();
        // One output head product per generated token; every layer's q_b product folded into one kind.
        var head = weights.Single(w => w.GetProperty("weight").GetString() == "output.weight");
        Assert.Equal(6, head.GetProperty("calls").GetInt64());
        Assert.Contains(weights, w => w.GetProperty("weight").GetString() == "blk.#.attn_q_b.weight");
        Assert.DoesNotContain(weights, w => w.GetProperty("weight").GetString()!.Any(char.IsAsciiDigit) && w.GetProperty("weight").GetString()!.StartsWith("blk."));
        double products = weights.Sum(w => w.GetProperty("seconds").GetDouble());
        Assert.Equal(1 - products / tg.GetProperty("wall_seconds").GetDouble(), tg.GetProperty("outside_products_share").GetDouble(), 9);
        var pp = doc.RootElement.GetProperty("pp_profile");
        Assert.Equal(2, pp.GetProperty("weights").EnumerateArray().Single(w => w.GetProperty("weight").GetString() == "output.weight").GetProperty("calls").GetInt64());
    }
}
