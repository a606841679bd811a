using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>Import-DSModel run in a real runspace, with each of its parameter sets and options.</summary>
public class ImportDSModelHostTests
{
    [Fact]
    public void Import_loads_the_file_and_makes_it_current()
    {
        using var host = new PowerShellHost();
        var run = host.Run("Import-DSModel -LiteralPath $args[0] -PassThru", PowerShellHost.TinyModelPath).Succeeded();
        var info = Assert.Single(run.Objects<ModelInfo>());
        Assert.Equal("dsv4-tiny.f16", info.Name);
        Assert.True(info.IsCurrent);
        Assert.Equal(PowerShellHost.TinyModelPath, info.Path);
        Assert.Equal(TinyModel.MaxContextLength, info.ContextLength);
        Assert.Equal(KvCacheFormat.Native, info.KvCacheType);
    }

    [Fact]
    public void Without_PassThru_import_writes_nothing_and_the_model_is_listed()
    {
        using var host = new PowerShellHost();
        var run = host.Run("Import-DSModel $args[0]", PowerShellHost.TinyModelPath).Succeeded();
        Assert.Empty(run.Output);
        var listed = Assert.Single(host.Run("Get-DSModel").Succeeded().Objects<ModelInfo>());
        Assert.Equal(PowerShellHost.TinyModelPath, listed.Path);
    }

    [Fact]
    public void Path_with_wildcards_imports_each_matching_file_and_the_last_one_is_the_only_current_one()
    {
        using var dir = new TempDirectory();
        string a = dir.CopyTinyModel("a.gguf");
        string b = dir.CopyTinyModel("b.gguf");
        dir.WriteText("notes.txt", "not a model");
        using var host = new PowerShellHost();

        var imported = host.Run("Import-DSModel -Path (Join-Path $args[0] '*.gguf') -PassThru", dir.Path).Succeeded().Objects<ModelInfo>();

        Assert.Equal([a, b], imported.Select(m => m.Path).Order());
        Assert.Equal(["a", "b"], imported.Select(m => m.Name).Order());
        // What -PassThru handed back says which one is current, as Get-DSModel does afterwards: one model, the last.
        var last = imported[^1];
        Assert.Equal(last.Name, Assert.Single(imported, m => m.IsCurrent).Name);
        var listed = host.Run("Get-DSModel").Succeeded().Objects<ModelInfo>();
        Assert.Equal(last.Name, Assert.Single(listed, m => m.IsCurrent).Name);
    }

    [Fact]
    public void LiteralPath_takes_wildcard_characters_as_part_of_the_file_name()
    {
        using var dir = new TempDirectory();
        string odd = dir.CopyTinyModel("tiny[1].gguf");
        using var host = new PowerShellHost();

        var info = Assert.Single(host.Run("Import-DSModel -LiteralPath $args[0] -PassThru", odd).Succeeded().Objects<ModelInfo>());

        Assert.Equal(odd, info.Path);
        Assert.Equal("tiny[1]", info.Name);
    }

    [Fact]
    public void Name_gives_the_model_its_session_name()
    {
        using var host = new PowerShellHost();
        var info = Assert.Single(host.Run("Import-DSModel $args[0] -Name tiny -PassThru", PowerShellHost.TinyModelPath).Succeeded().Objects<ModelInfo>());
        Assert.Equal("tiny", info.Name);
        Assert.Equal("tiny", Assert.Single(host.Run("Get-DSModel tiny").Succeeded().Objects<ModelInfo>()).Name);
    }

    [Theory]
    [InlineData("512", 512)]
    [InlineData("'1K'", 1024)]
    [InlineData("1K", 1024)]
    [InlineData("64", 64)]
    public void ContextLength_takes_numbers_and_K_suffixes(string written, int expected)
    {
        using var host = new PowerShellHost();
        var info = Assert.Single(host.Run($"Import-DSModel $args[0] -ContextLength {written} -PassThru", PowerShellHost.TinyModelPath)
            .Succeeded().Objects<ModelInfo>());
        Assert.Equal(expected, info.ContextLength);
    }

    [Theory]
    [InlineData(KvCacheFormat.Q8_0)]
    [InlineData(KvCacheFormat.F16)]
    public void KvCacheType_sets_the_format_the_cache_uses(KvCacheFormat format)
    {
        using var host = new PowerShellHost();
        var info = Assert.Single(host.Run($"Import-DSModel $args[0] -KvCacheType {format} -PassThru", PowerShellHost.TinyModelPath)
            .Succeeded().Objects<ModelInfo>());
        Assert.Equal(format, info.KvCacheType);

        host.Run("Invoke-DSCompletion -Prompt 'hello' -MaxTokens 2 -Temperature 0").Succeeded();
        var reports = host.Run("Get-DSKvCacheStats").Succeeded().Objects<KvCacheReport>();
        Assert.NotEmpty(reports);
        Assert.All(reports, r => Assert.Equal(format, r.Format));
    }

    [Fact]
    public void NoMmap_loads_a_model_that_completes_as_the_mapped_one_does()
    {
        using var dir = new TempDirectory();
        string copy = dir.CopyTinyModel("inmemory.gguf");
        using var inMemory = PowerShellHost.WithModel(copy, "-NoMmap");
        using var mapped = PowerShellHost.WithModel();
        const string script = "Invoke-DSCompletion -Prompt 'Name three rivers.' -MaxTokens 6 -Temperature 0";

        var a = Assert.Single(inMemory.Run(script).Succeeded().Objects<CompletionResult>());
        var b = Assert.Single(mapped.Run(script).Succeeded().Objects<CompletionResult>());

        Assert.Equal(b.Text, a.Text);
        Assert.Equal(b.CompletionTokens, a.CompletionTokens);
    }

    [Fact]
    public void Importing_the_same_file_under_the_same_name_again_keeps_one_model()
    {
        using var host = PowerShellHost.WithModel();
        var again = Assert.Single(host.Run("Import-DSModel $args[0] -PassThru", PowerShellHost.TinyModelPath).Succeeded().Objects<ModelInfo>());
        Assert.True(again.IsCurrent);
        Assert.Single(host.Run("Get-DSModel").Succeeded().Objects<ModelInfo>());
    }

    [Fact]
    public void The_first_load_warms_the_model_up_unless_NoWarmUp()
    {
        using var dir = new TempDirectory();
        // Each load stage is written to the verbose stream once (progress records are throttled, verbose ones are not).
        static bool WarmedUp(HostRun run) => run.Verbose.Any(v => v.Message.StartsWith("warming up:", StringComparison.Ordinal));
        using (var host = new PowerShellHost())
            Assert.True(WarmedUp(host.Run("Import-DSModel -LiteralPath $args[0] -Verbose", dir.CopyTinyModel("a.gguf")).Succeeded()));
        using (var host = new PowerShellHost())
            Assert.False(WarmedUp(host.Run("Import-DSModel -LiteralPath $args[0] -NoWarmUp -Verbose", dir.CopyTinyModel("b.gguf")).Succeeded()));
    }

    [Fact]
    public void Reference_numerics_load_their_own_model_and_say_so()
    {
        using var dir = new TempDirectory();
        string file = dir.CopyTinyModel("n.gguf");
        using var host = new PowerShellHost();
        var fast = Assert.Single(host.Run("Import-DSModel -LiteralPath $args[0] -Name fast -PassThru", file).Succeeded().Objects<ModelInfo>());
        var reference = Assert.Single(host.Run("Import-DSModel -LiteralPath $args[0] -Name ref -Numerics Reference -KvCacheType F32 -PassThru", file)
            .Succeeded().Objects<ModelInfo>());
        Assert.Equal(DeepSeekV4.Engine.Models.DeepSeekV4.DeepSeekV4Numerics.Fast, fast.Numerics);
        Assert.Equal(DeepSeekV4.Engine.Models.DeepSeekV4.DeepSeekV4Numerics.Reference, reference.Numerics);
        Assert.Equal((1, 1), (fast.SharedBy, reference.SharedBy));   // two models: the roundings are the model's own
        Assert.Single(host.Run("Invoke-DSCompletion -Model ref -Prompt hello -MaxTokens 4 -Temperature 0").Succeeded().Objects<CompletionResult>());
    }

    [Fact]
    public void The_default_cache_follows_the_numerics_and_a_named_one_wins()
    {
        using var dir = new TempDirectory();
        string file = dir.CopyTinyModel("k.gguf");
        using var host = new PowerShellHost();
        var fast = Assert.Single(host.Run("Import-DSModel -LiteralPath $args[0] -Name fast -PassThru", file).Succeeded().Objects<ModelInfo>());
        var fp = Assert.Single(host.Run("Import-DSModel -LiteralPath $args[0] -Name float -Numerics Float -PassThru", file).Succeeded().Objects<ModelInfo>());
        var native = Assert.Single(host.Run("Import-DSModel -LiteralPath $args[0] -Name refnative -Numerics Reference -KvCacheType Native -PassThru", file)
            .Succeeded().Objects<ModelInfo>());
        Assert.Equal((KvCacheFormat.Native, KvCacheFormat.F32, KvCacheFormat.Native), (fast.KvCacheType, fp.KvCacheType, native.KvCacheType));
        Assert.Equal(DeepSeekV4.Engine.Models.DeepSeekV4.DeepSeekV4Numerics.Float, fp.Numerics);
        Assert.Equal((true, false, false), (fp.Rounding!.FloatProducts, fp.Rounding.RoundsActivations, fp.Rounding.SimulatesKvQuantization));
        Assert.Single(host.Run("Invoke-DSCompletion -Model float -Prompt hello -MaxTokens 4 -Temperature 0").Succeeded().Objects<CompletionResult>());
        var stats = host.Run("Get-DSKvCacheStats -Model float").Succeeded().Objects<KvCacheReport>().ToList();
        Assert.NotEmpty(stats);
        Assert.All(stats, r => Assert.Equal(KvCacheFormat.F32, r.Format));
    }
}
