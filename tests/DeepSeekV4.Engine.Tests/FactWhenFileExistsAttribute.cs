namespace DeepSeekV4.Engine.Tests;

/// <summary>A fact that is reported as skipped (not silently passed) when a file outside the repository is absent.</summary>
public sealed class FactWhenFileExistsAttribute : FactAttribute
{
    public FactWhenFileExistsAttribute(string path)
    {
        if (!File.Exists(path)) Skip = $"{path} is not present on this machine";
    }
}
