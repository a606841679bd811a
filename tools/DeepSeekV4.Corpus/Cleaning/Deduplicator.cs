namespace DeepSeekV4.Corpus.Cleaning;

/// <summary>
/// Removes repeats, in document order: a document whose normalised text was seen before is dropped whole; within the
/// rest, a paragraph of at least <see cref="MinParagraphChars"/> characters whose normalised text was seen before (in
/// any earlier document or earlier in the same one) is dropped. Short paragraphs (headings such as "OPTIONS") stay.
/// Documents left shorter than <see cref="MinDocumentChars"/> are dropped.
/// </summary>
public sealed class Deduplicator(int minParagraphChars = 64, int minDocumentChars = 300)
{
    public int MinParagraphChars { get; } = minParagraphChars;
    public int MinDocumentChars { get; } = minDocumentChars;

    public int DuplicateDocuments { get; private set; }
    public int DuplicateParagraphs { get; private set; }
    public int ShortDocuments { get; private set; }

    public IReadOnlyList<CorpusDocument> Run(IEnumerable<CorpusDocument> documents)
    {
        var seenDocuments = new HashSet<UInt128>();
        var seenParagraphs = new HashSet<UInt128>();
        var result = new List<CorpusDocument>();
        foreach (var doc in documents)
        {
            if (!seenDocuments.Add(ContentHash.Of(ContentHash.Normalise(doc.Text))))
            {
                DuplicateDocuments++;
                continue;
            }
            var kept = new List<string>();
            foreach (string paragraph in doc.Text.Split("\n\n"))
            {
                string key = ContentHash.Normalise(paragraph);
                if (key.Length >= MinParagraphChars && !seenParagraphs.Add(ContentHash.Of(key)))
                {
                    DuplicateParagraphs++;
                    continue;
                }
                kept.Add(paragraph);
            }
            string text = string.Join("\n\n", kept);
            if (text.Length < MinDocumentChars)
            {
                ShortDocuments++;
                continue;
            }
            result.Add(doc with { Text = text });
        }
        return result;
    }
}
