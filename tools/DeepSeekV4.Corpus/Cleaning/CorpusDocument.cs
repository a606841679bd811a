namespace DeepSeekV4.Corpus.Cleaning;

/// <summary>A cleaned document: its source id ("package/path"), the package, and its text (paragraphs separated by a blank line).</summary>
public sealed record CorpusDocument(string Id, string Package, string Text);
