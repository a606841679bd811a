using System.Text.Json;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Sampling;
using DeepSeekV4.Engine.Sampling.Constraints;
using DeepSeekV4.Engine.Tests.Inference.Fakes;
using Json.Schema;

namespace DeepSeekV4.Engine.Tests.Sampling.Constraints;

/// <summary>JSON output through the generation loop: the toy model with its byte tokenizer, and the tiny DeepSeek V4 model.</summary>
public class JsonGenerationTests
{
    private const string Ticket = """{"type":"object","properties":{"id":{"type":"integer"},"urgency":{"enum":["low","high"]}},"required":["id","urgency"]}""";

    private static void AssertValid(string schema, JsonElement document, string context)
    {
        var result = JsonSchema.FromText(schema).Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, $"{context}: {document.GetRawText()} does not satisfy {schema}");
    }

    [Fact]
    public void Complete_document_ends_generation_and_is_parsed()
    {
        using var env = new ToyEnvironment();
        var result = env.Model.Complete(new CompletionRequest { Prompt = "ticket", MaxTokens = 100, JsonOutput = JsonOutputFormat.FromSchema(Ticket), Sampling = new SamplerSettings { Seed = 3 } });
        Assert.Equal(FinishReason.DocumentComplete, result.FinishReason);
        Assert.True(result.JsonComplete);
        Assert.NotNull(result.Json);
        Assert.Equal(result.Text, result.Json.Value.GetRawText());
        AssertValid(Ticket, result.Json.Value, "toy");
        Assert.True(result.ConstraintSeconds >= 0);
    }

    [Fact]
    public void Token_limit_below_the_shortest_document_leaves_it_incomplete_and_says_so()
    {
        using var env = new ToyEnvironment();
        var format = JsonOutputFormat.FromSchema(Ticket);
        var result = env.Model.Complete(new CompletionRequest { Prompt = "ticket", MaxTokens = format.MinimumBytes - 1, JsonOutput = format });
        Assert.Equal(FinishReason.MaxTokens, result.FinishReason);
        Assert.False(result.JsonComplete);
        Assert.Null(result.Json);
    }

    [Fact]
    public void Token_limit_equal_to_the_shortest_document_still_closes_it()
    {
        using var env = new ToyEnvironment();
        var format = JsonOutputFormat.FromSchema(Ticket);
        for (ulong seed = 0; seed < 5; seed++)
        {
            var result = env.Model.Complete(new CompletionRequest { Prompt = "ticket", MaxTokens = format.MinimumBytes, JsonOutput = format, Sampling = new SamplerSettings { Seed = seed } });
            Assert.Equal(FinishReason.DocumentComplete, result.FinishReason);
            AssertValid(Ticket, result.Json!.Value, $"seed {seed}");
        }
    }

    [Fact]
    public void Stop_string_inside_the_document_cuts_it_and_marks_it_incomplete()
    {
        using var env = new ToyEnvironment();
        var result = env.Model.Complete(new CompletionRequest { Prompt = "ticket", MaxTokens = 100, Stop = ["urgency"], JsonOutput = JsonOutputFormat.FromSchema(Ticket) });
        Assert.Equal(FinishReason.StopString, result.FinishReason);
        Assert.False(result.JsonComplete);
        Assert.DoesNotContain("urgency", result.Text);
    }

    [Fact]
    public void With_thinking_the_reasoning_is_free_and_the_document_follows_it()
    {
        // The toy model writes letters, then closes its reasoning after five of them.
        using var env = new ToyEnvironment(context => context.Contains(ByteTokenizer.EndThink) || context.Count(t => t >= 2 + 'a' && t <= 2 + 'z') < 5
            ? ByteTokenizer.ByteToken((byte)'q')
            : ByteTokenizer.EndThink);
        var result = env.Model.Complete(new CompletionRequest { Prompt = "x", Think = true, MaxTokens = 80, JsonOutput = JsonOutputFormat.FromSchema(Ticket), Sampling = new SamplerSettings { Temperature = 0 } });
        Assert.Equal(FinishReason.DocumentComplete, result.FinishReason);
        Assert.NotNull(result.Reasoning);
        Assert.DoesNotContain("{", result.Reasoning);
        AssertValid(Ticket, result.Json!.Value, "after thinking");
        Assert.Equal(result.Text, result.Json.Value.GetRawText());
    }

    [Fact]
    public void Free_json_mode_gives_an_object()
    {
        using var env = new ToyEnvironment();
        var result = env.Model.Complete(new CompletionRequest { Prompt = "x", MaxTokens = 60, JsonOutput = JsonOutputFormat.AnyObject, Sampling = new SamplerSettings { Seed = 9 } });
        Assert.True(result.JsonComplete, result.Text);
        Assert.Equal(JsonValueKind.Object, result.Json!.Value.ValueKind);
    }

    /// <summary>200 seeded completions on the tiny random model, 20 per schema: every one complete and valid (JsonSchema.Net checks).</summary>
    [Fact]
    public void Tiny_model_completions_all_parse_and_satisfy_their_schemas()
    {
        using var session = new InferenceSession(new ModelRegistry(DeepSeekV4ModelLoader.Instance, () => long.MaxValue));
        var model = session.Import(FixturePaths.TinyModelF16, contextLength: 256);
        int completions = 0;
        for (int i = 0; i < JsonTestSchemas.All.Length; i++)
        {
            var format = JsonOutputFormat.FromSchema(JsonTestSchemas.All[i]);
            for (ulong seed = 0; seed < 20; seed++)
            {
                var result = model.Complete(new CompletionRequest
                {
                    Instruction = "Extract the fields as JSON:",
                    Document = $"ticket {seed}",
                    MaxTokens = 40,
                    JsonOutput = format,
                    Sampling = new SamplerSettings { Seed = seed, Temperature = 1.0 },
                });
                Assert.True(result.JsonComplete, $"schema {i} seed {seed}: incomplete ({result.FinishReason}) {result.Text}");
                using var parsed = JsonDocument.Parse(result.Text);
                AssertValid(JsonTestSchemas.All[i], parsed.RootElement, $"schema {i} seed {seed}");
                completions++;
            }
        }
        Assert.Equal(200, completions);
    }
}
