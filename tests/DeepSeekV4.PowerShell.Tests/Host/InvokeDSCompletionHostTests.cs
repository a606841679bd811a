using System.Management.Automation;
using DeepSeekV4.Engine.Inference;
using CompletionResult = DeepSeekV4.Engine.Inference.CompletionResult;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>Invoke-DSCompletion run in a real runspace: each way of giving it input, streaming, sampling and stop rules.</summary>
public class InvokeDSCompletionHostTests
{
    private const string ChunkTag = "DSCompletion.Chunk";

    [Fact]
    public void Prompt_alone_gives_one_result_from_the_prompt()
    {
        using var host = PowerShellHost.WithModel();
        var run = host.Run("Invoke-DSCompletion -Prompt 'Say hello.' -MaxTokens 4 -Temperature 0").Succeeded();
        var result = Assert.Single(run.Objects<CompletionResult>());
        Assert.Equal("prompt", result.Source);
        Assert.Equal("dsv4-tiny.f16", result.Model);
        Assert.True(result.PromptTokens > 0);
        Assert.InRange(result.CompletionTokens, 0, 4);
    }

    [Fact]
    public void Piped_strings_give_one_result_each_in_order()
    {
        using var host = PowerShellHost.WithModel();
        var results = host.Run("'first document', 'a second, longer document to read' | Invoke-DSCompletion -MaxTokens 2 -Temperature 0")
            .Succeeded().Objects<CompletionResult>();
        Assert.Equal(["pipeline:1", "pipeline:2"], results.Select(r => r.Source));
        Assert.True(results[1].PromptTokens > results[0].PromptTokens, "the longer document has the longer prompt");
    }

    [Fact]
    public void Path_completes_each_file_it_matches_with_the_file_as_source()
    {
        using var dir = new TempDirectory();
        string a = dir.WriteText("a.txt", "Apples are red.");
        string b = dir.WriteText("b.txt", "Bananas are yellow.");
        dir.WriteText("c.md", "not matched");
        using var host = PowerShellHost.WithModel();

        var results = host.Run("Invoke-DSCompletion -Path (Join-Path $args[0] '*.txt') -MaxTokens 2 -Temperature 0", dir.Path)
            .Succeeded().Objects<CompletionResult>();

        Assert.Equal([a, b], results.Select(r => r.Source).Order());
    }

    [Fact]
    public void LiteralPath_reads_a_file_whose_name_has_wildcard_characters()
    {
        using var dir = new TempDirectory();
        string odd = dir.WriteText("notes[1].txt", "Cherries are dark red.");
        using var host = PowerShellHost.WithModel();

        var result = Assert.Single(host.Run("Invoke-DSCompletion -LiteralPath $args[0] -MaxTokens 2 -Temperature 0", odd)
            .Succeeded().Objects<CompletionResult>());

        Assert.Equal(odd, result.Source);
    }

    [Fact]
    public void A_document_is_read_from_the_file_not_from_its_name()
    {
        using var dir = new TempDirectory();
        string file = dir.WriteText("doc.txt", TinyModel.Text(40));
        using var host = PowerShellHost.WithModel();

        var fromFile = Assert.Single(host.Run("Invoke-DSCompletion -LiteralPath $args[0] -MaxTokens 1 -Temperature 0", file).Succeeded().Objects<CompletionResult>());
        var fromText = Assert.Single(host.Run("$args[0] | Invoke-DSCompletion -MaxTokens 1 -Temperature 0", TinyModel.Text(40)).Succeeded().Objects<CompletionResult>());

        Assert.Equal(fromText.PromptTokens, fromFile.PromptTokens);
    }

    [Fact]
    public void Instruction_is_part_of_the_prompt_and_its_prefix_is_reused_for_the_next_document()
    {
        using var host = PowerShellHost.WithModel();
        string instruction = "Summarize the following document in one short sentence, naming its subject. " + TinyModel.Text(30);

        var plain = Assert.Single(host.Run("'Owls hunt at night.' | Invoke-DSCompletion -MaxTokens 1 -Temperature 0").Succeeded().Objects<CompletionResult>());
        host.Run("Clear-DSKvCache").Succeeded();
        var results = host.Run("'Owls hunt at night.', 'Bees make honey.' | Invoke-DSCompletion -Instruction $args[0] -MaxTokens 1 -Temperature 0", instruction)
            .Succeeded().Objects<CompletionResult>();

        Assert.Equal(2, results.Count);
        Assert.True(results[0].PromptTokens > plain.PromptTokens, $"with the instruction: {results[0].PromptTokens} tokens, without: {plain.PromptTokens}");
        Assert.Equal(0, results[0].ReusedTokens);
        // The second document shares the instruction's tokens with the first: at least the instruction's own length.
        Assert.True(results[1].ReusedTokens >= results[0].PromptTokens - plain.PromptTokens,
            $"reused {results[1].ReusedTokens} of {results[1].PromptTokens}; the instruction adds {results[0].PromptTokens - plain.PromptTokens}");
    }

    [Fact]
    public void SystemPrompt_is_part_of_the_prompt()
    {
        using var host = PowerShellHost.WithModel();
        var plain = Assert.Single(host.Run("Invoke-DSCompletion -Prompt 'Hello.' -MaxTokens 1").Succeeded().Objects<CompletionResult>());
        var withSystem = Assert.Single(host.Run("Invoke-DSCompletion -Prompt 'Hello.' -SystemPrompt 'You are a terse assistant.' -MaxTokens 1")
            .Succeeded().Objects<CompletionResult>());
        Assert.True(withSystem.PromptTokens > plain.PromptTokens, $"{withSystem.PromptTokens} tokens with the system prompt, {plain.PromptTokens} without");
    }

    [Fact]
    public void Stream_writes_chunks_tagged_DSCompletion_Chunk_that_add_up_to_the_text()
    {
        using var host = PowerShellHost.WithModel();
        var run = host.Run("Invoke-DSCompletion -Prompt 'Count to ten.' -MaxTokens 12 -Temperature 0 -Stream").Succeeded();
        var result = Assert.Single(run.Objects<CompletionResult>());
        var chunks = run.Information.Where(i => i.Tags.Contains(ChunkTag)).ToList();

        Assert.NotEmpty(chunks);
        string streamed = string.Concat(chunks.Select(c => c.MessageData is HostInformationMessage m ? m.Message : c.MessageData?.ToString()));
        Assert.Equal(result.Text, streamed);
        Assert.NotEqual("", result.Text);
    }

    [Fact]
    public void Without_Stream_no_chunks_are_written()
    {
        using var host = PowerShellHost.WithModel();
        var run = host.Run("Invoke-DSCompletion -Prompt 'Count to ten.' -MaxTokens 4 -Temperature 0").Succeeded();
        Assert.DoesNotContain(run.Information, i => i.Tags.Contains(ChunkTag));
    }

    [Fact]
    public void The_same_Seed_with_a_positive_Temperature_gives_the_same_text_in_another_runspace()
    {
        const string script = "Invoke-DSCompletion -Prompt 'Tell a story.' -MaxTokens 12 -Temperature 1.5 -Seed 1234";
        using var first = PowerShellHost.WithModel();
        using var second = PowerShellHost.WithModel();

        var a = Assert.Single(first.Run(script).Succeeded().Objects<CompletionResult>());
        var b = Assert.Single(second.Run(script).Succeeded().Objects<CompletionResult>());
        var other = Assert.Single(second.Run(script.Replace("1234", "98765", StringComparison.Ordinal)).Succeeded().Objects<CompletionResult>());

        Assert.Equal(1234UL, a.Seed);
        Assert.Equal(a.Text, b.Text);
        Assert.Equal(98765UL, other.Seed);
        // Sampling at 1.5 over a 512-token vocabulary: another seed giving the same 12 tokens would be a seed that is not used.
        Assert.NotEqual(a.Text, other.Text);
    }

    [Fact]
    public void Stop_ends_the_text_before_the_first_occurrence_of_the_stop_string()
    {
        using var host = PowerShellHost.WithModel();
        var free = Assert.Single(host.Run("Invoke-DSCompletion -Prompt 'Write a list.' -MaxTokens 16 -Temperature 0").Succeeded().Objects<CompletionResult>());
        Assert.True(free.Text.Length >= 4, $"the free run gave too little text to pick a stop string from: '{free.Text}'");
        // A stop string from what the model writes unstopped (plain characters, after the first): the stopped text is
        // everything before its first occurrence.
        int at = Enumerable.Range(1, free.Text.Length - 2).First(i => Plain(free.Text[i]) && Plain(free.Text[i + 1]));
        string stop = free.Text.Substring(at, 2);
        string expected = free.Text[..free.Text.IndexOf(stop, StringComparison.Ordinal)];

        var stopped = Assert.Single(host.Run("Invoke-DSCompletion -Prompt 'Write a list.' -MaxTokens 16 -Temperature 0 -Stop $args[0]", stop)
            .Succeeded().Objects<CompletionResult>());

        Assert.Equal(FinishReason.StopString, stopped.FinishReason);
        Assert.Equal(expected, stopped.Text);
    }

    private static bool Plain(char c) => !char.IsControl(c) && !char.IsSurrogate(c) && c != '\uFFFD';

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void MaxTokens_N_gives_at_most_N_tokens_and_a_prefix_of_a_longer_run(int n)
    {
        using var host = PowerShellHost.WithModel();
        const string script = "Invoke-DSCompletion -Prompt 'Describe the sea.' -Temperature 0 -MaxTokens $args[0]";
        var longer = Assert.Single(host.Run(script, 12).Succeeded().Objects<CompletionResult>());
        var shorter = Assert.Single(host.Run(script, n).Succeeded().Objects<CompletionResult>());

        Assert.InRange(shorter.CompletionTokens, 0, n);
        if (longer.CompletionTokens > n) Assert.Equal(FinishReason.MaxTokens, shorter.FinishReason);
        Assert.StartsWith(shorter.Text, longer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_picks_a_model_that_is_not_the_current_one()
    {
        using var dir = new TempDirectory();
        string other = dir.CopyTinyModel("other.gguf");
        using var host = PowerShellHost.WithModel();
        host.Run("Import-DSModel -LiteralPath $args[0]", other).Succeeded();

        var result = Assert.Single(host.Run("Invoke-DSCompletion -Prompt hi -MaxTokens 1 -Model dsv4-tiny.f16").Succeeded().Objects<CompletionResult>());
        Assert.Equal("dsv4-tiny.f16", result.Model);
        var current = Assert.Single(host.Run("Invoke-DSCompletion -Prompt hi -MaxTokens 1").Succeeded().Objects<CompletionResult>());
        Assert.Equal("other", current.Model);
    }
}
