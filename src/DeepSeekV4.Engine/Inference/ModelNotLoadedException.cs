namespace DeepSeekV4.Engine.Inference;

/// <summary>A command that needs a model when the session has none loaded, or none by the name given.</summary>
public sealed class ModelNotLoadedException(string message, string? name) : InvalidOperationException(message)
{
    public string? ModelName { get; } = name;
}
