namespace DeepSeekV4.Engine.Tokenization;

/// <summary>
/// A vocabulary that cannot be used as it stands (missing or inconsistent tokenizer data): names the source file,
/// the field and the offending value.
/// </summary>
public sealed class TokenizerFormatException : Exception
{
    public string VocabularySource { get; }
    public string Field { get; }

    public TokenizerFormatException(string source, string field, string problem)
        : base($"{source}: invalid tokenizer data ({field}): {problem}")
    {
        VocabularySource = source;
        Field = field;
    }
}
