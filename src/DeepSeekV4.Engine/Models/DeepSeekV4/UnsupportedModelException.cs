namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>
/// A model file that is well-formed GGUF but cannot be run as a DeepSeek V4 model: a missing or out-of-range
/// metadata key, a missing tensor, a tensor whose shape or type does not fit the configuration. The message names
/// the file, the key or tensor, and the value found.
/// </summary>
public sealed class UnsupportedModelException : Exception
{
    /// <summary>The file (or preset) the configuration came from.</summary>
    public string ModelPath { get; }

    /// <summary>The metadata key or tensor name at fault.</summary>
    public string Field { get; }

    /// <summary>The value found, as text ("(missing)" when absent).</summary>
    public string Value { get; }

    public UnsupportedModelException(string modelPath, string field, string value, string problem)
        : base($"{modelPath}: {field} = {value}: {problem}")
    {
        ModelPath = modelPath;
        Field = field;
        Value = value;
    }
}
