using DeepSeekV4.Engine.Inference.Perplexity;
using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>Measure-DSPerplexity run in a real runspace: piped strings, files, and one result per KV-cache format.</summary>
public class MeasureDSPerplexityHostTests
{
    internal static readonly string Sample = TinyModel.Text(12);

    internal static void IsAPerplexity(PerplexityMeasurement m)
    {
        Assert.True(m.Tokens > 0);
        // Perplexity is exp(mean negative log-likelihood), and a likelihood is at most 1.
        Assert.True(m.Perplexity >= 1 && double.IsFinite(m.Perplexity), $"perplexity {m.Perplexity}");
        Assert.Equal(Math.Exp(m.MeanNll), m.Perplexity, m.Perplexity * 1e-6);
    }

    [Fact]
    public void A_piped_string_gives_one_measurement_with_the_models_own_format()
    {
        using var host = PowerShellHost.WithModel();
        var m = Assert.Single(host.Run("$args[0] | Measure-DSPerplexity", Sample).Succeeded().Objects<PerplexityMeasurement>());
        Assert.Equal("pipeline:1", m.Source);
        Assert.Equal("dsv4-tiny.f16", m.Model);
        Assert.Equal(KvCacheFormat.Native, m.KvCacheType);
        IsAPerplexity(m);
    }

    [Fact]
    public void Path_measures_each_matching_file_with_the_file_as_source()
    {
        using var dir = new TempDirectory();
        string file = dir.WriteText("sample.txt", Sample);
        using var host = PowerShellHost.WithModel();

        var m = Assert.Single(host.Run("Measure-DSPerplexity (Join-Path $args[0] '*.txt')", dir.Path).Succeeded().Objects<PerplexityMeasurement>());

        Assert.Equal(file, m.Source);
        IsAPerplexity(m);
    }

    [Fact]
    public void LiteralPath_measures_a_file_whose_name_has_wildcard_characters_as_its_text_would_be()
    {
        using var dir = new TempDirectory();
        string file = dir.WriteText("sample[1].txt", Sample);
        using var host = PowerShellHost.WithModel();

        var fromFile = Assert.Single(host.Run("Measure-DSPerplexity -LiteralPath $args[0]", file).Succeeded().Objects<PerplexityMeasurement>());
        var fromText = Assert.Single(host.Run("$args[0] | Measure-DSPerplexity", Sample).Succeeded().Objects<PerplexityMeasurement>());

        Assert.Equal(file, fromFile.Source);
        Assert.Equal(fromText.Tokens, fromFile.Tokens);
        Assert.Equal(fromText.Perplexity, fromFile.Perplexity, fromText.Perplexity * 1e-9);
    }

    [Fact]
    public void KvCacheType_with_two_formats_gives_one_measurement_per_format_against_the_native_baseline()
    {
        using var host = PowerShellHost.WithModel();
        var results = host.Run("$args[0] | Measure-DSPerplexity -KvCacheType Q8_0, F16", Sample).Succeeded().Objects<PerplexityMeasurement>();

        Assert.Equal([KvCacheFormat.Q8_0, KvCacheFormat.F16], results.Select(r => r.KvCacheType));
        Assert.All(results, r =>
        {
            Assert.Equal(KvCacheFormat.Native, r.BaselineKvCacheType);
            Assert.Equal("pipeline:1", r.Source);
            IsAPerplexity(r);
        });
        Assert.Equal(results[0].Tokens, results[1].Tokens);
    }
}
