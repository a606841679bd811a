using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Cli;

/// <summary>The `--numerics fast|reference|float` value of every command that runs the model (case-insensitive; default fast).</summary>
public static class NumericsOption
{
    public const string Usage = "[--numerics fast|reference|float]";

    public static DeepSeekV4Numerics Parse(string? text) => text?.ToLowerInvariant() switch
    {
        null or "fast" => DeepSeekV4Numerics.Fast,
        "reference" => DeepSeekV4Numerics.Reference,
        "float" => DeepSeekV4Numerics.Float,
        _ => throw new CliUsageException($"--numerics: '{text}' is not one of fast, reference, float"),
    };
}
