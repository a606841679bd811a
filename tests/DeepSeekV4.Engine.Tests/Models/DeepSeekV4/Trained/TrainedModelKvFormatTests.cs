using System.Text.Json;
using DeepSeekV4.Cli.Commands;
using DeepSeekV4.Engine.Tests.Cli;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4.Trained;

/// <summary>
/// The ordering of the KV-format table (README, docs/measurements/kv-format-quality.md) where it is certain, on the trained model and
/// held-out text: the BF16 cache holds exactly the values the Native cache holds (the model's FP8 non-rotary dims and FP4
/// indexer keys are exact in BF16, and Native keeps the rotary dims in BF16), so its scores are Native's bit for bit; Q4_0
/// (4 bits per value) is the farthest from Native.
/// </summary>
public sealed class TrainedModelKvFormatTests
{
    [Fact]
    public void Bf16_equals_native_and_q4_0_is_the_farthest_from_it()
    {
        string text = Path.Combine(TrainedModel.FixtureDirectory, "heldout-sample.txt");
        var run = CliHarness.Run(new PerplexityCommand(), "--model", TrainedModel.ModelPath, "--text", text, "--ctx", "512",
            "--kv-cache", "native,bf16,f16,q8_0,q4_0", "--baseline", "native", "--json");
        Assert.True(run.Code == 0, run.Err);
        var rows = JsonDocument.Parse(run.Out).RootElement.EnumerateArray()
            .ToDictionary(r => r.GetProperty("KvCacheType").GetString()!, r => r);
        double Kld(string format) => rows[format].GetProperty("MeanKld").GetDouble();

        Assert.True(rows["Native"].GetProperty("Tokens").GetInt32() > 512, "the sample should fill more than one window");
        Assert.Equal(0.0, rows["BF16"].GetProperty("MaxKld").GetDouble());
        Assert.Equal(rows["Native"].GetProperty("Perplexity").GetDouble(), rows["BF16"].GetProperty("Perplexity").GetDouble());
        Assert.All(new[] { "F16", "Q8_0" }, f => Assert.True(Kld("Q4_0") > Kld(f), $"Q4_0 {Kld("Q4_0"):G4} ≤ {f} {Kld(f):G4}"));
        Assert.True(Kld("Q4_0") > 0);
    }
}
