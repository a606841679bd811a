namespace DeepSeekV4.Corpus.Sources;

/// <summary>How a source file is turned into text.</summary>
public enum SourceKind
{
    /// <summary>A roff man page, possibly gzip'd, rendered with groff.</summary>
    ManPage,
    Html,
}
