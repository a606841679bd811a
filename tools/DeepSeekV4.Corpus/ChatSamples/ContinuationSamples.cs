using System.Text;
using System.Text.Json;
using DeepSeekV4.Corpus.Cleaning;
using DeepSeekV4.Corpus.Tokenization;
using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Corpus.ChatSamples;

/// <summary>
/// Chat samples in the shape of the demo's job — a short document piped in under an instruction — answered by what the
/// document's own text says next, starting at a sentence: every prose run of the training split
/// (<see cref="ProseChunks"/>) laid out as users' files are (wrapped at a random width or a paragraph a line); its last
/// paragraph is the answer (or, for a run of one paragraph, its last third of sentences), cut to whole sentences of at
/// most 60 words. Encoded exactly as Invoke-DSCompletion encodes the prompt (the engine's ChatEncoder), then the answer
/// and end of sentence. A model of this size cannot copy from its context (it does not continue a sentence it has just
/// read), so a summary it would have to extract is out of its reach; what it can learn is to answer on the document's
/// subject, as text that continues it does. Held-out documents are never read. Deterministic per seed.
/// </summary>
public static class ContinuationSamples
{
    public static readonly string[] Instructions =
    [
        "Summarize this document in one sentence:",
        "Summarize this document:",
        "Summarize this report:",
        "Summarize",
        "Summarize:",
        "Continue this text:",
        "Read this and continue:",
        "What does this document say next?",
    ];

    public const int MinDocumentWords = 25;
    public const int MaxAnswerWords = 60;

    private static readonly int[] Widths = [0, 72, 80, 100, 110, 120];

    public sealed record Sample(string Instruction, string Document, string Answer);

    public static List<Sample> Build(IEnumerable<CorpusDocument> train, int seed)
    {
        var rng = new Random(seed);
        var samples = new List<Sample>();
        foreach (var doc in train)
            foreach (var chunk in ProseChunks.Cut(doc.Text))
            {
                int width = Widths[rng.Next(Widths.Length)];
                bool blankLines = rng.Next(2) == 0;
                string instruction = Instructions[rng.Next(Instructions.Length)];
                if (Split(chunk) is not var (document, answer)) continue;
                samples.Add(new Sample(instruction, ProseChunks.Layout(document, width, blankLines), ProseChunks.Layout([answer], width, false)));
            }
        return samples;
    }

    /// <summary>A run's document paragraphs and its answer (whole sentences, at most 60 words), or null when either is too short.</summary>
    public static (IReadOnlyList<string> Document, string Answer)? Split(IReadOnlyList<string> run)
    {
        List<string> document;
        List<string> answerSentences;
        if (run.Count >= 2)
        {
            document = [.. run.Take(run.Count - 1)];
            answerSentences = Sentences.Split(run[^1]);
        }
        else
        {
            var sentences = Sentences.Split(run[0]);
            if (sentences.Count < 3) return null;
            int keep = (sentences.Count * 2 + 2) / 3;
            document = [string.Join(' ', sentences.Take(keep))];
            answerSentences = [.. sentences.Skip(keep)];
        }
        if (document.Sum(Sentences.WordCount) < MinDocumentWords) return null;
        var answer = new List<string>();
        int words = 0;
        foreach (string s in answerSentences)
        {
            int n = Sentences.WordCount(s);
            if (words + n > MaxAnswerWords) break;
            answer.Add(s);
            words += n;
        }
        return answer.Count == 0 ? null : (document, string.Join(' ', answer));
    }

    /// <summary>The sample's ids without BOS: &lt;｜User｜&gt;{instruction}\n\n{document}&lt;｜Assistant｜&gt;&lt;/think&gt;{answer}&lt;｜end▁of▁sentence｜&gt;.</summary>
    public static int[] Encode(ChatEncoder encoder, Sample s) => encoder.Encode(new ChatPrompt
    {
        AddBos = false,
        Turns = [ChatTurn.User(s.Instruction + "\n\n" + s.Document), ChatTurn.Assistant(s.Answer)],
    }).Ids;

    public static SampleStats Write(CorpusPaths paths, int seed)
    {
        Tokenizer tokenizer;
        using (var gguf = Engine.Gguf.GgufFile.Open(paths.TokenizerGguf)) tokenizer = Tokenizer.FromGguf(gguf);
        var encoder = new ChatEncoder(tokenizer);
        var (train, _) = DocumentStore.Read(paths.Documents);
        var samples = Build(train, seed);
        var ids = new int[samples.Count][];
        Parallel.For(0, samples.Count, i => ids[i] = Encode(encoder, samples[i]));
        TokenStream.Write(paths.Continuations, tokenizer.BosId, ids);
        File.WriteAllText(paths.ContinuationExamples, string.Join("\n\n\f\n", samples.Take(40).Select(s =>
            $"[instruction] {s.Instruction}\n[document]\n{s.Document}\n[answer]\n{s.Answer}")) + "\n", new UTF8Encoding(false));
        var stats = new SampleStats(seed, samples.Count, ids.Sum(a => (long)a.Length + 1), ids.Length == 0 ? 0 : ids.Average(a => a.Length + 1.0),
            samples.Count == 0 ? 0 : samples.Average(s => Sentences.WordCount(s.Answer)));
        File.WriteAllText(paths.ContinuationStats, JsonSerializer.Serialize(stats, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return stats;
    }

    public sealed record SampleStats(int Seed, int Samples, long Tokens, double MeanSampleTokens, double MeanAnswerWords);
}
