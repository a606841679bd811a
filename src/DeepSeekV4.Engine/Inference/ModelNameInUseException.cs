namespace DeepSeekV4.Engine.Inference;

/// <summary>An import under a name that the session already uses for another file.</summary>
public sealed class ModelNameInUseException(string name, string existingPath, string newPath)
    : InvalidOperationException($"a model named '{name}' is already loaded from {existingPath}; import {newPath} under another name or remove the first")
{
    public string ModelName { get; } = name;
}
