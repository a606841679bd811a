namespace DeepSeekV4.Engine.Tests;

/// <summary>Locates tests/fixtures from the test binary's folder (works from a fresh clone; ../shared is not needed).</summary>
public static class FixturePaths
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fixtures");
            if (Directory.Exists(candidate)) return candidate;
            dir = dir.Parent;
        }
        throw new DirectoryNotFoundException($"tests/fixtures not found above {AppContext.BaseDirectory}");
    });

    public static string FixturesRoot => Root.Value;

    public static string Get(params string[] parts) => Path.Combine([Root.Value, .. parts]);

    public static string TinyModelF16 => Get("dsv4-tiny", "dsv4-tiny.f16.gguf");
}
