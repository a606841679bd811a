using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DeepSeekV4.Corpus.Cleaning;
using DeepSeekV4.Corpus.Sources;
using DeepSeekV4.Corpus.Tokenization;
using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Corpus;

/// <summary>The pipeline's steps; each reads the previous step's files under the output folder.</summary>
public sealed class CorpusSteps(CorpusPaths paths, TextWriter log)
{
    /// <summary>Separator between documents in heldout.txt: a blank line, a form feed, a newline.</summary>
    public const string HeldOutSeparator = "\n\n\f\n";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public void Fetch(string script)
    {
        var start = new ProcessStartInfo("bash") { UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(paths.Debs);
        using var p = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{script} failed with exit code {p.ExitCode}");
    }

    public void BuildDocuments()
    {
        var packages = PackageManifest.ReadPackageList(paths.PackageList);
        var sources = SourceCatalog.Enumerate(paths.Extract, packages.Select(p => p.Name));
        log.WriteLine($"corpus: {sources.Count} source files from {packages.Count} packages");
        var converted = DocumentConverter.Convert(sources, log, paths.RenderCache);
        var dedupe = new Deduplicator();
        var documents = dedupe.Run(converted);
        var (train, heldOut) = new DocumentSplit().Run(documents);
        DocumentStore.Write(paths.Documents, train, heldOut);
        var cleaning = new CleaningStats(sources.Count, converted.Count, dedupe.DuplicateDocuments, dedupe.DuplicateParagraphs, dedupe.ShortDocuments);
        File.WriteAllText(paths.Cleaning, JsonSerializer.Serialize(cleaning, Json) + "\n");
        var perPackage = documents.GroupBy(d => d.Package).ToDictionary(g => g.Key, g => g.Count());
        PackageManifest.Write(paths.Manifest, PackageManifest.Build(paths.Extract, packages, perPackage));
        log.WriteLine($"corpus: {converted.Count} converted, {dedupe.DuplicateDocuments} duplicate documents, {dedupe.DuplicateParagraphs} duplicate paragraphs, " +
                      $"{dedupe.ShortDocuments} too short; {train.Count} train + {heldOut.Count} held-out documents");
    }

    public TokenizerVocabulary BuildTokenizer(string deepSeekTokenizer, int vocabSize)
    {
        var full = DeepSeekVocabulary.Load(deepSeekTokenizer);
        var cut = VocabularyCut.Cut(full, vocabSize, paths.TokenizerGguf);
        TokenizerGguf.Write(cut, paths.TokenizerGguf);
        log.WriteLine($"tokenizer: {cut.Tokens.Length} tokens ({cut.Merges.Length} merges), BOS {cut.BosId}, EOS {cut.EosId} → {paths.TokenizerGguf}");
        return cut;
    }

    public ChatSamples.ContinuationSamples.SampleStats WriteContinuations(int seed)
    {
        var stats = ChatSamples.ContinuationSamples.Write(paths, seed);
        log.WriteLine($"continuations: {stats.Samples} samples, {stats.Tokens} tokens (mean {stats.MeanSampleTokens:F0} a sample, answers {stats.MeanAnswerWords:F1} words) → {paths.Continuations}");
        return stats;
    }

    public CorpusStats WriteTokens(string deepSeekTokenizer)
    {
        Tokenizer tokenizer;
        using (var gguf = GgufFile.Open(paths.TokenizerGguf)) tokenizer = Tokenizer.FromGguf(gguf);
        var (train, heldOut) = DocumentStore.Read(paths.Documents);
        var trainIds = TokenStream.Encode(tokenizer, train);
        var heldOutIds = TokenStream.Encode(tokenizer, heldOut);
        TokenStream.Write(paths.Train, tokenizer.BosId, trainIds);
        TokenStream.Write(paths.HeldOut, tokenizer.BosId, heldOutIds);
        File.WriteAllText(paths.HeldOutText, string.Join(HeldOutSeparator, heldOut.Select(d => d.Text)) + "\n", new UTF8Encoding(false));

        var withBos = (IEnumerable<int[]> docs) => docs.Select(d => d.Prepend(tokenizer.BosId).ToArray());
        var stats = new CorpusStats
        {
            VocabSize = tokenizer.VocabularySize,
            BosId = tokenizer.BosId,
            EosId = tokenizer.EosId,
            Train = Split(train, trainIds),
            HeldOut = Split(heldOut, heldOutIds),
            HeldOutUnigramPerplexity = UnigramPerplexity.Compute(trainIds, heldOutIds, tokenizer.VocabularySize),
            HeldOutUnigramPerplexityWithBos = UnigramPerplexity.Compute(withBos(trainIds), withBos(heldOutIds), tokenizer.VocabularySize),
            HeldOutBytesPerTokenByVocab = BytesPerTokenByVocab(deepSeekTokenizer, heldOut),
            HeldOutTextSeparator = HeldOutSeparator,
            Cleaning = JsonSerializer.Deserialize<CleaningStats>(File.ReadAllText(paths.Cleaning))
                       ?? throw new InvalidDataException($"{paths.Cleaning} holds no cleaning statistics"),
        };
        File.WriteAllText(paths.Stats, JsonSerializer.Serialize(stats, Json) + "\n");
        log.WriteLine($"tokens: train {stats.Train.Tokens:N0}, held-out {stats.HeldOut.Tokens:N0}, held-out unigram perplexity {stats.HeldOutUnigramPerplexity:F1}");
        return stats;
    }

    private static SplitStats Split(IReadOnlyList<CorpusDocument> docs, int[][] ids)
    {
        long bytes = docs.Sum(d => (long)Encoding.UTF8.GetByteCount(d.Text));
        long tokens = ids.Sum(i => (long)i.Length);
        return new SplitStats(docs.Count, bytes, tokens, tokens + docs.Count, Math.Round(bytes / (double)tokens, 4));
    }

    /// <summary>Held-out bytes per token for the default and the largest cut (the DeepSeek merges cut at each size).</summary>
    private static SortedDictionary<string, double> BytesPerTokenByVocab(string deepSeekTokenizer, IReadOnlyList<CorpusDocument> heldOut)
    {
        var full = DeepSeekVocabulary.Load(deepSeekTokenizer);
        long bytes = heldOut.Sum(d => (long)Encoding.UTF8.GetByteCount(d.Text));
        var result = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (int size in new[] { VocabularyCut.DefaultSize, VocabularyCut.MaxSize })
        {
            var tokenizer = Tokenizer.FromVocabulary(VocabularyCut.Cut(full, size));
            long tokens = TokenStream.Encode(tokenizer, heldOut).Sum(i => (long)i.Length);
            result[size.ToString(CultureInfo.InvariantCulture)] = Math.Round(bytes / (double)tokens, 4);
        }
        return result;
    }
}
