using DeepSeekV4.Corpus.Cleaning;

namespace DeepSeekV4.Corpus.Tests;

public sealed class DedupeSplitTests
{
    private static readonly string Long = "This paragraph is long enough to take part in paragraph-level deduplication.";

    private static List<CorpusDocument> Corpus(int count) =>
        Enumerable.Range(0, count).Select(i => new CorpusDocument($"pkg/doc{i:D4}", "pkg", $"Document {i} body. " + new string('x', 100 + i % 50))).ToList();

    [Fact]
    public void Repeated_documents_and_long_paragraphs_are_dropped_in_order_and_short_paragraphs_stay()
    {
        var docs = new List<CorpusDocument>
        {
            new("a/1", "a", $"OPTIONS\n\n{Long}\n\nFirst unique text that keeps this document above the minimum length."),
            new("a/2", "a", $"OPTIONS\n\n{Long.Replace(" ", "   \n ", StringComparison.Ordinal)}\n\nSecond unique text, also long enough to be kept after deduplication."),
            new("a/3", "a", $"OPTIONS\n\n{Long}\n\nFirst   unique text that keeps this document above the minimum length."),
            new("a/4", "a", "tiny"),
        };
        var dedupe = new Deduplicator(minParagraphChars: 64, minDocumentChars: 60);
        var result = dedupe.Run(docs);
        Assert.Equal(["a/1", "a/2"], result.Select(d => d.Id));
        Assert.Equal("OPTIONS\n\nSecond unique text, also long enough to be kept after deduplication.", result[1].Text);
        Assert.Equal((1, 1, 1), (dedupe.DuplicateDocuments, dedupe.DuplicateParagraphs, dedupe.ShortDocuments));
    }

    [Fact]
    public void Split_is_by_document_disjoint_complete_and_the_same_on_every_run()
    {
        var docs = Corpus(2000);
        var split = new DocumentSplit(heldOutFraction: 0.02, minHeldOutBytes: 0);
        var (train, heldOut) = split.Run(docs);
        var (train2, heldOut2) = split.Run(docs.AsEnumerable().Reverse().OrderBy(d => d.Id, StringComparer.Ordinal).ToList());
        Assert.Equal(heldOut.Select(d => d.Id), heldOut2.Select(d => d.Id));
        Assert.Equal(train.Select(d => d.Id), train2.Select(d => d.Id));
        Assert.Empty(train.Select(d => d.Id).Intersect(heldOut.Select(d => d.Id)));
        Assert.Equal(docs.Select(d => d.Id).Order(StringComparer.Ordinal), train.Concat(heldOut).Select(d => d.Id).Order(StringComparer.Ordinal));
        double share = heldOut.Sum(d => d.Text.Length) / (double)docs.Sum(d => d.Text.Length);
        Assert.InRange(share, 0.02, 0.025);
        // Hash order, not file order: held-out documents are spread over the corpus.
        var indexes = heldOut.Select(d => int.Parse(d.Id[^4..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(indexes.Max() - indexes.Min() > 1000, $"held-out documents {indexes.Min()}..{indexes.Max()}");
    }

    [Fact]
    public void Split_takes_at_least_the_minimum_held_out_bytes_but_never_more_than_the_cap()
    {
        var docs = Corpus(1000);
        long total = docs.Sum(d => d.Text.Length);
        var (_, heldOut) = new DocumentSplit(0.02, minHeldOutBytes: total / 20).Run(docs);
        Assert.InRange(heldOut.Sum(d => d.Text.Length), total / 20, total / 20 + 200);
        var (_, capped) = new DocumentSplit(0.02, minHeldOutBytes: total, maxHeldOutFraction: 0.1).Run(docs);
        Assert.InRange(capped.Sum(d => d.Text.Length), total / 10, total / 10 + 200);
    }

    [Fact]
    public void Document_store_keeps_ids_splits_order_and_text_exactly()
    {
        string path = Path.Combine(Path.GetTempPath(), $"corpus-{Guid.NewGuid():N}.jsonl");
        try
        {
            CorpusDocument[] train = [new("p/b", "p", "line one\n\n  \"quoted\" <｜User｜> \f ünï"), new("p/a", "p", "second")];
            CorpusDocument[] heldOut = [new("q/c", "q", "held out")];
            DocumentStore.Write(path, train, heldOut);
            var (train2, heldOut2) = DocumentStore.Read(path);
            Assert.Equal(train, train2);
            Assert.Equal(heldOut, heldOut2);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
