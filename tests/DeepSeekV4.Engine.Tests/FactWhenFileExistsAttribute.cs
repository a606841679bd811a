namespace DeepSeekV4.Engine.Tests;

/// <summary>
/// A fact that is reported as skipped (not silently passed) when a file kept out of the repository is absent from
/// every place it may be: absolute paths, or paths under tests/fixtures written as "fixtures:folder/file".
/// </summary>
public sealed class FactWhenFileExistsAttribute : FactAttribute
{
    private const string FixturePrefix = "fixtures:";

    public FactWhenFileExistsAttribute(params string[] paths)
    {
        if (!paths.Any(p => File.Exists(Resolve(p)))) Skip = $"none of {string.Join(", ", paths)} is present on this machine";
    }

    private static string Resolve(string path)
    {
        if (!path.StartsWith(FixturePrefix, StringComparison.Ordinal)) return path;
        try
        {
            return FixturePaths.Get(path[FixturePrefix.Length..].Split('/'));
        }
        catch (DirectoryNotFoundException)
        {
            return "";
        }
    }
}
