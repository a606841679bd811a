namespace DeepSeekV4.Corpus.Sources;

/// <summary>One document's source: <see cref="Id"/> ("package/path inside the package") names it in splits and hashes.</summary>
public sealed record SourceFile(string Package, string RelativePath, string FullPath, SourceKind Kind)
{
    public string Id => Package + "/" + RelativePath;
}
