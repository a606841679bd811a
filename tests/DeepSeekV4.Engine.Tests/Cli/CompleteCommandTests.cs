using System.Text.Json;
using DeepSeekV4.Cli;
using DeepSeekV4.Cli.Commands;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Tests.Inference.Fakes;

namespace DeepSeekV4.Engine.Tests.Cli;

public class CompleteCommandTests
{
    private static readonly string[] Fields =
        ["Text", "Source", "PromptTokens", "CompletionTokens", "ReusedTokens", "FinishReason", "PrefillTokensPerSecond", "DecodeTokensPerSecond", "Model"];

    private static (int Code, string Output, string Error) Run(ModelRegistry registry, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliRunner.Run(new CompleteCommand(registry), args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Two_files_give_two_results_with_every_field()
    {
        using var env = new ToyEnvironment();
        string a = env.NewFile("a.txt", "first document");
        string b = env.NewFile("b.txt", "second document");
        var (code, output, error) = Run(env.Registry, "--model", env.ModelPath, "--prompt", "Summarize:", "--file", a, "--file", b,
            "--max-tokens", "6", "--temperature", "0");
        Assert.True(code == 0, error);
        var results = JsonDocument.Parse(output).RootElement.EnumerateArray().ToList();
        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.All(Fields, f => Assert.True(r.TryGetProperty(f, out _), $"missing {f}")));
        Assert.Equal([a, b], results.Select(r => r.GetProperty("Source").GetString()));
        Assert.Equal("MaxTokens", results[0].GetProperty("FinishReason").GetString());
        Assert.Equal(6, results[1].GetProperty("CompletionTokens").GetInt32());
        // BOS, USER and "Summarize:\n\n" are shared between the two prompts
        Assert.Equal(14, results[1].GetProperty("ReusedTokens").GetInt32());
        Assert.Equal("toy", results[0].GetProperty("Model").GetString());
    }

    [Fact]
    public void Json_schema_file_gives_parsed_documents_that_satisfy_it()
    {
        using var env = new ToyEnvironment();
        string schema = env.NewFile("s.json", """{"type":"object","properties":{"n":{"type":"integer"},"ok":{"type":"boolean"}},"required":["n","ok"]}""");
        string a = env.NewFile("a.txt", "first");
        var (code, output, error) = Run(env.Registry, "--model", env.ModelPath, "--prompt", "Extract:", "--file", a, "--json-schema", schema, "--seed", "4");
        Assert.True(code == 0, error);
        var result = Assert.Single(JsonDocument.Parse(output).RootElement.EnumerateArray().ToList());
        Assert.Equal("DocumentComplete", result.GetProperty("FinishReason").GetString());
        Assert.True(result.GetProperty("JsonComplete").GetBoolean());
        var doc = result.GetProperty("Json");
        Assert.Equal(JsonValueKind.Number, doc.GetProperty("n").ValueKind);
        Assert.True(doc.GetProperty("ok").ValueKind is JsonValueKind.True or JsonValueKind.False);
        Assert.Equal(JsonDocument.Parse(result.GetProperty("Text").GetString()!).RootElement.GetProperty("n").GetInt64(), doc.GetProperty("n").GetInt64());
    }

    [Fact]
    public void Json_flag_gives_an_object_and_a_refused_schema_names_the_keyword()
    {
        using var env = new ToyEnvironment();
        var (code, output, error) = Run(env.Registry, "--model", env.ModelPath, "--prompt", "x", "--json", "--max-tokens", "80", "--seed", "2");
        Assert.True(code == 0, error);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(output).RootElement[0].GetProperty("Json").ValueKind);
        string bad = env.NewFile("bad.json", """{"type":"string","pattern":"^a$"}""");
        var refused = Run(env.Registry, "--model", env.ModelPath, "--prompt", "x", "--json-schema", bad);
        Assert.Equal(2, refused.Code);
        Assert.Contains("'pattern'", refused.Error);
        Assert.Equal(2, Run(env.Registry, "--model", env.ModelPath, "--prompt", "x", "--json", "--json-schema", bad).Code);
    }

    [Fact]
    public void A_prompt_alone_gives_one_result()
    {
        using var env = new ToyEnvironment();
        var (code, output, _) = Run(env.Registry, "--model", env.ModelPath, "--prompt", "Hello", "--max-tokens", "3", "--seed", "9");
        Assert.Equal(0, code);
        var result = Assert.Single(JsonDocument.Parse(output).RootElement.EnumerateArray().ToList());
        Assert.Equal("prompt", result.GetProperty("Source").GetString());
        Assert.Equal(9UL, result.GetProperty("Seed").GetUInt64());
    }

    [Fact]
    public void A_missing_file_is_reported_and_the_others_still_run()
    {
        using var env = new ToyEnvironment();
        string a = env.NewFile("a.txt", "text");
        var (code, output, _) = Run(env.Registry, "--model", env.ModelPath, "--prompt", "p", "--file", "/nonexistent/x.txt", "--file", a, "--max-tokens", "1");
        Assert.Equal(1, code);
        Assert.Single(JsonDocument.Parse(output).RootElement.EnumerateArray().ToList());
    }

    [Fact]
    public void Bad_options_are_usage_errors()
    {
        using var env = new ToyEnvironment();
        Assert.Equal(2, Run(env.Registry, "--model", env.ModelPath).Code);
        Assert.Equal(2, Run(env.Registry, "--model", env.ModelPath, "--prompt", "x", "--kv-cache", "q5").Code);
        Assert.Equal(2, Run(env.Registry, "--model", env.ModelPath, "--prompt", "x", "--bogus", "1").Code);
        Assert.Equal(1, Run(env.Registry, "--model", "/nonexistent/model.gguf", "--prompt", "x").Code);
    }

    [Fact]
    public void A_model_that_does_not_fit_is_refused_unless_forced()
    {
        using var env = new ToyEnvironment();
        var tight = new ModelRegistry(new ToyLoader(), () => 10);
        var (code, _, error) = Run(tight, "--model", env.ModelPath, "--prompt", "x", "--max-tokens", "1");
        Assert.Equal(1, code);
        Assert.Contains("available", error);
        Assert.Equal(0, Run(tight, "--model", env.ModelPath, "--prompt", "x", "--max-tokens", "1", "--force").Code);
    }
}

/// <summary>`dsv4 complete` end to end: a model written by `dsv4 make-model`, loaded by the real loader.</summary>
public class CompleteCommandOnMadeModelTests
{
    [Fact]
    public void Complete_over_two_files_of_a_made_model_returns_two_results()
    {
        string dir = Directory.CreateTempSubdirectory("dsv4-complete-").FullName;
        try
        {
            string model = Path.Combine(dir, "tiny.gguf");
            Assert.Equal(0, CliRunner.Run(new MakeModelCommand(), ["--preset", "tiny", "--out", model], TextWriter.Null, TextWriter.Null));
            File.WriteAllText(Path.Combine(dir, "a.txt"), "The quarterly report shows revenue up.");
            File.WriteAllText(Path.Combine(dir, "b.txt"), "Memo: the office moves in March.");
            var output = new StringWriter();
            var error = new StringWriter();
            int code = CliRunner.Run(new CompleteCommand(), ["--model", model, "--prompt", "Summarize:", "--file", Path.Combine(dir, "a.txt"),
                "--file", Path.Combine(dir, "b.txt"), "--max-tokens", "8", "--seed", "3"], output, error);
            Assert.True(code == 0, error.ToString());
            var results = JsonDocument.Parse(output.ToString()).RootElement.EnumerateArray().ToList();
            Assert.Equal(2, results.Count);
            string[] fields = ["Text", "Source", "PromptTokens", "CompletionTokens", "ReusedTokens", "FinishReason", "PrefillTokensPerSecond", "DecodeTokensPerSecond", "Model"];
            Assert.All(results, r => Assert.All(fields, f => Assert.True(r.TryGetProperty(f, out _), f)));
            Assert.True(results[1].GetProperty("ReusedTokens").GetInt32() > 0);
            Assert.Equal("tiny", results[0].GetProperty("Model").GetString());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
