using System.Text;
using DeepSeekV4.Corpus.Cleaning;

namespace DeepSeekV4.Corpus.Sources;

/// <summary>Converts source files to cleaned documents in parallel; the result keeps the sources' order.</summary>
public static class DocumentConverter
{
    public static IReadOnlyList<CorpusDocument> Convert(IReadOnlyList<SourceFile> sources, TextWriter log, string? renderCache = null)
    {
        var results = new CorpusDocument?[sources.Count];
        int done = 0;
        Parallel.For(0, sources.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount) }, i =>
        {
            results[i] = ConvertOne(sources[i], renderCache);
            int n = Interlocked.Increment(ref done);
            if (n % 500 == 0) lock (log) log.WriteLine($"  converted {n}/{sources.Count}");
        });
        return results.Where(d => d != null).Select(d => d!).ToList();
    }

    public static CorpusDocument? ConvertOne(SourceFile source, string? renderCache = null)
    {
        string? raw = source.Kind switch
        {
            SourceKind.ManPage => ManPageRenderer.Render(source.FullPath, renderCache),
            SourceKind.Html => HtmlToText.Convert(File.ReadAllText(source.FullPath, Encoding.UTF8)),
            _ => throw new ArgumentOutOfRangeException(nameof(source), source.Kind, "unknown source kind"),
        };
        if (raw == null) return null;
        string text = TextCleaner.Clean(raw, manPage: source.Kind == SourceKind.ManPage);
        return text.Length == 0 ? null : new CorpusDocument(source.Id, source.Package, text);
    }
}
