using System.Diagnostics;
using System.Reflection;

namespace DeepSeekV4.PowerShell.Tests.Help;

/// <summary>
/// Runs the help builder as the build does (<c>dotnet DeepSeekV4.HelpBuilder.dll &lt;docsDir&gt; &lt;outDir&gt;</c>) on
/// pages a test writes into a temporary docs folder.
/// </summary>
public sealed class HelpBuilderRun : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dsv4-help-" + Guid.NewGuid().ToString("N"));

    public HelpBuilderRun()
    {
        Directory.CreateDirectory(DocsDir);
    }

    public string DocsDir => Path.Combine(_root, "docs");

    public string OutDir => Path.Combine(_root, "en-US");

    public static string BuilderPath =>
        typeof(HelpBuilderRun).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "HelpBuilderPath").Value!;

    public HelpBuilderRun Page(string fileName, string markdown)
    {
        File.WriteAllText(Path.Combine(DocsDir, fileName), markdown.ReplaceLineEndings("\n"));
        return this;
    }

    public (int ExitCode, string Stdout, string Stderr) Run() => Run(DocsDir, OutDir);

    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(BuilderPath);
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "the help builder did not finish in 60 s");
        return (process.ExitCode, stdout.Result, stderr);
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
