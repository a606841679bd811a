using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Inference.Perplexity;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>
/// Files piped as objects into every cmdlet that reads files: FileInfo from Get-ChildItem and Get-Item, and objects
/// that carry only a PSPath or only a FullName. One result per input, each naming its file.
/// </summary>
public class PipelineByPropertyNameHostTests
{
    /// <summary>Scripts that pipe the files $args into the command `{0}`.</summary>
    public static TheoryData<string> Shapes => new()
    {
        "Get-ChildItem -LiteralPath (Split-Path $args[0]) -Filter ('*' + [IO.Path]::GetExtension($args[0])) | {0}",
        "Get-Item -LiteralPath $args | {0}",
        "$args | ForEach-Object {{ [pscustomobject]@{{ PSPath = 'Microsoft.PowerShell.Core\\FileSystem::' + $_ }} }} | {0}",
        "$args | ForEach-Object {{ [pscustomobject]@{{ FullName = $_ }} }} | {0}",
    };

    private static (TempDirectory Dir, string[] Files) TextFiles()
    {
        var dir = new TempDirectory();
        return (dir, [dir.WriteText("one.txt", "The first file talks about trees."), dir.WriteText("two.txt", MeasureDSPerplexityHostTests.Sample)]);
    }

    private static (TempDirectory Dir, string[] Files) ModelFiles()
    {
        var dir = new TempDirectory();
        return (dir, [dir.CopyTinyModel("m1.gguf"), dir.CopyTinyModel("m2.gguf")]);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Invoke_DSCompletion_gives_one_result_per_piped_file(string shape)
    {
        var (dir, files) = TextFiles();
        using var _ = dir;
        using var host = PowerShellHost.WithModel();

        var results = host.Run(string.Format(shape, "Invoke-DSCompletion -MaxTokens 1 -Temperature 0"), [.. files]).Succeeded().Objects<CompletionResult>();

        Assert.Equal(files, results.Select(r => r.Source));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Measure_DSPerplexity_gives_one_result_per_piped_file(string shape)
    {
        var (dir, files) = TextFiles();
        using var _ = dir;
        using var host = PowerShellHost.WithModel();

        var results = host.Run(string.Format(shape, "Measure-DSPerplexity"), [.. files]).Succeeded().Objects<PerplexityMeasurement>();

        Assert.Equal(files, results.Select(r => r.Source));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Import_DSModel_imports_each_piped_file(string shape)
    {
        var (dir, files) = ModelFiles();
        using var _ = dir;
        using var host = new PowerShellHost();

        var models = host.Run(string.Format(shape, "Import-DSModel -PassThru"), [.. files]).Succeeded().Objects<ModelInfo>();

        Assert.Equal(files, models.Select(m => m.Path));
        Assert.Equal(["m1", "m2"], models.Select(m => m.Name));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Get_DSMemoryEstimate_estimates_each_piped_file(string shape)
    {
        var (dir, files) = ModelFiles();
        using var _ = dir;
        using var host = new PowerShellHost();

        var estimates = host.Run(string.Format(shape, "Get-DSMemoryEstimate"), [.. files]).Succeeded().Objects<MemoryEstimate>();

        Assert.Equal(files.Select(Path.GetFileName), estimates.Select(e => e.Model));
    }

    [Fact]
    public void Strings_piped_into_Import_DSModel_and_Get_DSMemoryEstimate_are_paths()
    {
        var (dir, files) = ModelFiles();
        using var _ = dir;
        using var host = new PowerShellHost();

        var estimates = host.Run("$args | Get-DSMemoryEstimate", [.. files]).Succeeded().Objects<MemoryEstimate>();
        var models = host.Run("$args | Import-DSModel -PassThru", [.. files]).Succeeded().Objects<ModelInfo>();

        Assert.Equal(files.Select(Path.GetFileName), estimates.Select(e => e.Model));
        Assert.Equal(files, models.Select(m => m.Path));
    }
}
