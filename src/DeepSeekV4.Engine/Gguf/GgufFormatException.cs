namespace DeepSeekV4.Engine.Gguf;

/// <summary>A GGUF file that cannot be read as it stands: names the file, the field, the byte offset and the value.</summary>
public sealed class GgufFormatException : Exception
{
    public string FilePath { get; }
    public string Field { get; }
    public long ByteOffset { get; }

    public GgufFormatException(string filePath, string field, long byteOffset, string problem)
        : base($"{filePath}: invalid GGUF at byte offset {byteOffset} ({field}): {problem}")
    {
        FilePath = filePath;
        Field = field;
        ByteOffset = byteOffset;
    }
}
