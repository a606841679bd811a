using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>A split GGUF set through the cmdlets: imported from any shard as one model, estimated from a shard.</summary>
public class SplitSetHostTests
{
    private static IReadOnlyList<string> WriteSet(TempDirectory dir, bool noTensorFirst)
    {
        using var single = GgufFile.Open(PowerShellHost.TinyModelPath);
        return GgufWriter.FromFile(single).WriteSplit(dir.File("tiny"), new GgufSplitOptions { MaxTensors = 70, NoTensorFirstSplit = noTensorFirst });
    }

    private static CompletionResult Complete(PowerShellHost host) =>
        Assert.Single(host.Run("Invoke-DSCompletion -Prompt 'Summarize: the quick brown fox' -MaxTokens 16 -Temperature 0").Succeeded().Objects<CompletionResult>());

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_set_imported_from_its_last_shard_completes_exactly_as_the_single_file(bool noTensorFirst)
    {
        using var dir = new TempDirectory();
        var shards = WriteSet(dir, noTensorFirst);
        using var reference = PowerShellHost.WithModel();
        string expected = Complete(reference).Text;

        using var host = new PowerShellHost();
        var info = Assert.Single(host.Run("Import-DSModel -LiteralPath $args[0] -PassThru", shards[^1]).Succeeded().Objects<ModelInfo>());
        Assert.Equal("tiny", info.Name);
        Assert.Equal(shards[0], info.Path);
        Assert.Equal(expected, Complete(host).Text);
    }

    [Fact]
    public void The_estimate_of_a_shard_is_the_estimate_of_the_whole_model()
    {
        using var dir = new TempDirectory();
        var shards = WriteSet(dir, noTensorFirst: true);
        using var host = new PowerShellHost();
        var single = Assert.Single(host.Run("Get-DSMemoryEstimate -LiteralPath $args[0] -ContextLength 512", PowerShellHost.TinyModelPath).Succeeded().Objects<MemoryEstimate>());
        var set = Assert.Single(host.Run("Get-DSMemoryEstimate -LiteralPath $args[0] -ContextLength 512", shards[0]).Succeeded().Objects<MemoryEstimate>());
        Assert.Equal(single.WeightBytes, set.WeightBytes);
        Assert.Equal(single.TotalBytes, set.TotalBytes);
    }

    [Fact]
    public void A_missing_shard_is_one_error_that_names_it()
    {
        using var dir = new TempDirectory();
        var shards = WriteSet(dir, noTensorFirst: false);
        File.Delete(shards[1]);
        using var host = new PowerShellHost();
        var run = host.Run("Import-DSModel -LiteralPath $args[0]", shards[0]);
        var error = Assert.Single(run.Errors);
        Assert.Contains(shards[1], error.ToString());
        Assert.Equal(System.Management.Automation.ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
    }
}
