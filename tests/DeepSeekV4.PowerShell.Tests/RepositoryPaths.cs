namespace DeepSeekV4.PowerShell.Tests;

/// <summary>The repository root (where DeepSeekV4.psd1 is), found above the test binaries.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DeepSeekV4.psd1"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"DeepSeekV4.psd1 not found above {AppContext.BaseDirectory}");
    });

    public static string Root => RootPath.Value;

    public static string Get(params string[] parts) => Path.Combine([Root, .. parts]);
}
