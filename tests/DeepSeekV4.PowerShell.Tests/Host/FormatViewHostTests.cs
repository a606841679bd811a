using System.Text.RegularExpressions;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Inference.Perplexity;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>
/// One runspace for the view tests: the tiny model imported and one completion run, so every result type has a
/// real object to render. <c>$c</c> holds the completion.
/// </summary>
public sealed class RenderedViewsFixture : IDisposable
{
    public PowerShellHost Host { get; } = new();

    public CompletionResult Completion { get; }

    public RenderedViewsFixture()
    {
        Host.Run("Import-DSModel -LiteralPath $args[0]", PowerShellHost.TinyModelPath).Succeeded();
        var run = Host.Run("$global:c = Invoke-DSCompletion -Prompt 'Describe the sea in a few long sentences.' -MaxTokens 40 -Temperature 0; $global:c").Succeeded();
        Completion = Assert.Single(run.Objects<CompletionResult>());
    }

    public void Dispose() => Host.Dispose();
}

/// <summary>
/// Each output type's default view (and Format-Table / Format-List where a type has a second view) rendered with
/// <c>Out-String -Width 80</c> in a real runspace, as an 80-column console shows it.
/// </summary>
public class FormatViewHostTests(RenderedViewsFixture views) : IClassFixture<RenderedViewsFixture>
{
    private const int Columns = 80;

    private static readonly string EstimateOfTheFixture =
        "Get-DSMemoryEstimate -LiteralPath '" + PowerShellHost.TinyModelPath.Replace("'", "''") + "' -ContextLength 1024";

    /// <summary>What <paramref name="script"/>'s output looks like at 80 columns; fails when a line is longer.</summary>
    private string Render(string script, Type? expectedType = null) => Render(script, null, expectedType);

    /// <summary>As <see cref="Render(string, Type?)"/>, with <paramref name="argument"/> as the script's $args[0].</summary>
    private string Render(string script, object? argument, Type? expectedType = null)
    {
        if (expectedType != null)
        {
            var objects = views.Host.Run(script, argument).Succeeded().Output;
            Assert.NotEmpty(objects);
            Assert.All(objects, o => Assert.IsType(expectedType, o.BaseObject));
        }
        var run = views.Host.Run($"{script} | Out-String -Width {Columns}", argument).Succeeded();
        string text = Assert.IsType<string>(Assert.Single(run.Output).BaseObject);
        var lines = Lines(text);
        Assert.Contains(lines, l => l.Trim().Length > 0);
        foreach (var line in lines)
            Assert.True(line.Length <= Columns, $"a line of {line.Length} characters:\n{line}\n\nin\n{text}");
        Assert.DoesNotContain("System.", text);
        return text;
    }

    private static string[] Lines(string text) => text.Replace("\r", "").Split('\n');

    /// <summary>
    /// The table's header line (the one right above the dashes) holds every label whole: a label wrapped over two
    /// lines ("Architect" over "ure") leaves its tail on the line above the dashes, and fails.
    /// </summary>
    private static void AssertTableHeaders(string text, params string[] labels)
    {
        var lines = Lines(text);
        int dashes = Array.FindIndex(lines, l => l.Contains('-') && Regex.IsMatch(l, @"^[\s-]+$"));
        Assert.True(dashes > 0, $"no table header in\n{text}");
        string header = lines[dashes - 1];
        foreach (var label in labels)
            Assert.True(Regex.IsMatch(header, $@"(^|\s){Regex.Escape(label)}(\s|$)"), $"header '{label}' is not whole on the header line:\n{header}\n\nin\n{text}");
        Assert.True(Regex.Matches(lines[dashes], "-+").Count >= labels.Length, $"fewer columns than labels:\n{text}");
    }

    private static string WithoutWhitespace(string s) => new([.. s.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c))]);

    [Fact]
    public void Model_table_fits_80_columns_with_whole_headers()
    {
        string text = Render("Get-DSModel", typeof(ModelInfo));
        AssertTableHeaders(text, "Name", "Parameters", "Context", "KvCache", "Memory", "Path");
        Assert.Contains("dsv4-tiny.f16", text);
        Assert.Matches(@"\d+(\.\d+)? (KiB|MiB|GiB)", text);
    }

    [Fact]
    public void Model_list_shows_sizes_not_collections()
    {
        string text = Render("Get-DSModel | Format-List");
        Assert.DoesNotContain("{", text);
        Assert.Contains("tensors", text);
        Assert.Matches(@"(?m)^Device\s+: cpu\s*$", text);
    }

    [Fact]
    public void Completion_shows_the_whole_answer()
    {
        Assert.NotEmpty(WithoutWhitespace(views.Completion.Text));
        string text = Render("$c", typeof(CompletionResult));
        Assert.Contains(WithoutWhitespace(views.Completion.Text), WithoutWhitespace(text));
        Assert.Contains(views.Completion.FinishReason.ToString(), text);
    }

    /// <summary>An answer of several lines, each longer than the console (the tiny model's own answers vary in length).</summary>
    private static CompletionResult LongAnswer() => new()
    {
        Text = "The sea is wide and grey this morning, and the waves come in slowly over the stones of the beach.\n\n" +
               "Further out, a fishing boat turns for the harbour while the gulls follow it, calling, until the rain starts.",
        Source = "/home/user/documents/a-rather-long-folder-name/notes-on-the-sea.md",
        PromptTokens = 1234, CompletionTokens = 56, ReusedTokens = 1000, FinishReason = FinishReason.EndOfSequence,
        PrefillTokensPerSecond = 300, DecodeTokensPerSecond = 12345.6 /* five digits: must not wrap the speed column */, Model = "dsv4-tiny.f16", Seed = 7, Template = "deepseek4",
    };

    [Fact]
    public void A_long_answer_is_shown_whole_in_the_list_and_in_the_table()
    {
        var answer = LongAnswer();
        foreach (var format in new[] { "", " | Format-Table" })
        {
            string text = Render("$args[0]" + format, answer);
            Assert.Contains(WithoutWhitespace(answer.Text), WithoutWhitespace(text));
            Assert.Contains("The sea is wide", text);
        }
    }

    [Fact]
    public void Completion_table_keeps_the_answer_last_and_wrapped()
    {
        string text = Render("$c | Format-Table");
        AssertTableHeaders(text, "Source", "Finish", "Prompt", "Output", "Tok/s", "Text");
        Assert.Contains(WithoutWhitespace(views.Completion.Text), WithoutWhitespace(text));
    }

    [Fact]
    public void KvCache_table_fits_80_columns_and_says_smaller_or_larger()
    {
        string text = Render("Get-DSKvCacheStats", typeof(KvCacheReport));
        AssertTableHeaders(text, "Sequence", "Tokens", "Size", "Bytes/token", "vs GQA-8", "vs MLA");
        var report = views.Host.Run("Get-DSKvCacheStats | Where-Object Sequence -eq Active").Succeeded().Objects<KvCacheReport>().Single();
        Assert.Contains(report.VersusGqa8, text);
        Assert.Contains(report.VersusMla, text);
        Assert.DoesNotMatch(@"\b0\.\dx", text);   // never "0.2x smaller": a factor below 1 is the other direction
    }

    [Fact]
    public void KvCache_list_has_every_comparison_in_words()
    {
        string text = Render("Get-DSKvCacheStats | Format-List");
        Assert.Matches(@"VersusMha\s+: (\d[\d,.]*x (smaller|larger)|same size) \(", text);
        Assert.DoesNotContain("{", text);
        Assert.DoesNotMatch(@"\b0\.\dx", text);
    }

    [Fact]
    public void KvCache_per_layer_table_fits_80_columns()
    {
        string text = Render("Get-DSKvCacheStats -PerLayer", typeof(KvCacheLayerReport));
        AssertTableHeaders(text, "Layer", "Attention", "Entries", "Window", "Compressed", "Indexer", "State", "Total");
        Assert.Contains("CSA", text);
        Assert.DoesNotContain("{", text);
    }

    [Fact]
    public void KvCache_per_layer_list_prints_summaries_not_records()
    {
        string text = Render("Get-DSKvCacheStats -PerLayer | Select-Object -First 3 | Format-List");
        Assert.DoesNotContain("{", text);
        Assert.DoesNotContain("KvCacheLayerStatistics", text);
    }

    [Fact]
    public void Memory_estimate_default_view_is_readable()
    {
        string text = Render(EstimateOfTheFixture, typeof(MemoryEstimate));
        Assert.DoesNotContain("{", text);
        Assert.Contains("compressor state", text);
        Assert.Matches(@"Required\s+: \d", text);
    }

    [Fact]
    public void Memory_estimate_table_has_sizes_not_dictionaries()
    {
        foreach (var script in new[] { EstimateOfTheFixture, "Get-DSMemoryEstimate -Name V4-Flash -ContextLength 1mb" })
        {
            string text = Render(script + " | Format-Table");
            AssertTableHeaders(text, "Model", "Context", "KvCache", "Weights", "Cache size", "Required", "Fits");
            Assert.DoesNotContain("{", text);
            Assert.Matches(@"\d+(\.\d+)? (KiB|MiB|GiB)", text);
        }
    }

    [Fact]
    public void Perplexity_table_fits_80_columns()
    {
        string text = Render("'The tide comes in and the tide goes out, twice a day, every day.' * 4 | Measure-DSPerplexity -ContextLength 32 -KvCacheType F16, Q8_0",
            typeof(PerplexityMeasurement));
        AssertTableHeaders(text, "KvCache", "Bytes/token", "PPL", "ΔPPL", "Mean KLD", "Top-1 %", "Tokens", "Tok/s");
        Assert.Contains("Q8_0", text);
    }

    [Fact]
    public void Device_table_fits_80_columns()
    {
        string text = Render("Get-DSDevice", typeof(DeepSeekV4.Engine.Compute.Gpu.GpuDeviceInfo));
        AssertTableHeaders(text, "Id", "Memory", "Name", "Detail");
        Assert.Contains("simulator:0", text);
        Assert.Matches(@"\d+(\.\d+)? (MiB|GiB|TiB)", text);
    }

    [Fact]
    public void Every_output_type_is_rendered_here()
    {
        Type[] rendered = [typeof(DeepSeekV4.Engine.Compute.Gpu.GpuDeviceInfo), typeof(ModelInfo), typeof(CompletionResult), typeof(KvCacheReport), typeof(KvCacheLayerReport), typeof(MemoryEstimate), typeof(PerplexityMeasurement),
            typeof(DeepSeekV4.Engine.Remote.RemoteModelInfo), typeof(DeepSeekV4.Engine.Remote.RemoteServerStats),
            typeof(DeepSeekV4.Engine.Remote.LocalServerInfo)];
        var outputs = CmdletMetadata.Cmdlets.SelectMany(c => c.OutputTypes).Select(t => t.FullName!).Distinct().Order();
        Assert.Equal(outputs, rendered.Select(t => t.FullName!).Order());
    }

    [Fact]
    public void Remote_model_table_fits_80_columns_with_whole_headers()
    {
        string text = Render("[DeepSeekV4.Engine.Remote.RemoteModelInfo]::new('flash', [uri]'http://gpu-node-17.cluster.example:8000/v1', " +
                             "'deepseek-ai/DeepSeek-V4-Flash', 131072, 'vllm', 16, [timespan]::FromSeconds(300), $true)",
            typeof(DeepSeekV4.Engine.Remote.RemoteModelInfo));
        AssertTableHeaders(text, "Name", "Kind", "Context", "ServedModel", "Endpoint");
        Assert.Contains("131,072", text);
        Assert.Contains("Remote", text);
    }

    [Fact]
    public void Remote_server_stats_table_fits_80_columns_and_says_why_when_there_are_no_metrics()
    {
        string text = Render("[DeepSeekV4.Engine.Remote.RemoteServerStats]::FromText('flash', [uri]'http://gpu-node:8000/metrics', " +
                             "\"vllm:kv_cache_usage_perc 0.5`nvllm:prefix_cache_queries_total 8`nvllm:prefix_cache_hits_total 2`nvllm:num_requests_running 3`n\")",
            typeof(DeepSeekV4.Engine.Remote.RemoteServerStats));
        AssertTableHeaders(text, "Model", "Server", "KvCache", "PrefixHits", "Running", "Waiting", "Metrics");
        Assert.Contains("50.0", text);
        Assert.Contains("25.0", text);
        string none = Render("[DeepSeekV4.Engine.Remote.RemoteServerStats]::FromText('flash', [uri]'http://gpu-node:8000/metrics', 'up 1')");
        Assert.Contains("noneofvLLM's,SGLang'sordsv4'sKV-cachemetrics", WithoutWhitespace(none));
    }

    [Fact]
    public void Server_table_fits_80_columns_with_whole_headers()
    {
        string text = Render("[DeepSeekV4.Engine.Remote.LocalServerInfo]::new(1, 'Running', [uri]'http://127.0.0.1:8080/v1', " +
                             "'/models/DeepSeek-V4-Flash-UD-IQ1_M-00001-of-00004.gguf', 2, 16, 4242, [DateTimeOffset]::Now, $true)",
            typeof(DeepSeekV4.Engine.Remote.LocalServerInfo));
        AssertTableHeaders(text, "Id", "State", "Process", "Slots", "Endpoint", "Model");
        Assert.Contains("http://127.0.0.1:8080/v1", text);
    }
}
