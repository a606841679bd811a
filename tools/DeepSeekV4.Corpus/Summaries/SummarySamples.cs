using System.Text;
using System.Text.Json;
using DeepSeekV4.Corpus.Cleaning;
using DeepSeekV4.Corpus.Tokenization;
using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Corpus.Summaries;

/// <summary>
/// Chat samples that teach the demo's job — a document piped in with a summarizing instruction, answered by one
/// sentence on its subject: every prose run of the training split (<see cref="ProseChunks"/>) laid out as users' files
/// are (wrapped at a random width or a paragraph a line), under a random summarizing instruction, answered by its
/// <see cref="KeySentence"/> as laid out there (line breaks included) among the sentences of its last 75 words — what
/// the 128-token attention window still holds when the answer starts — encoded exactly as Invoke-DSCompletion encodes
/// the prompt (the engine's ChatEncoder) with the answer and end of sentence after it. One run in three whose first
/// paragraph has at most 60 words gives a copy sample instead (that paragraph under "Repeat this text:", answered by
/// itself): exact copies teach a model to copy from its context at all, which answering with a key sentence needs.
/// Held-out documents are never read. Deterministic per seed.
/// </summary>
public static class SummarySamples
{
    public static readonly string[] Instructions =
    [
        "Summarize this document in one sentence:",
        "Summarize this document:",
        "Summarize this report:",
        "Summarize this text in one sentence:",
        "Summarize",
        "Summarize:",
        "What is this document about? Answer in one sentence.",
        "Give a one-sentence summary of this document:",
    ];

    public static readonly string[] CopyInstructions = ["Repeat this text:", "Copy this text exactly:", "Repeat the following paragraph:"];

    /// <summary>Words at the end of a document that the attention window holds when the answer starts (~1.35 tokens a word).</summary>
    public const int WindowWords = 75;

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
                bool copy = rng.Next(3) == 0;
                if (copy && KeySentence.WordCount(chunk[0]) <= 60)
                {
                    string paragraph = ProseChunks.Layout([chunk[0]], width, blankLines);
                    samples.Add(new Sample(CopyInstructions[rng.Next(CopyInstructions.Length)], paragraph, paragraph));
                    continue;
                }
                string document = ProseChunks.Layout(chunk, width, blankLines);
                string instruction = Instructions[rng.Next(Instructions.Length)];
                if (KeySentence.ChooseVerbatim(document, WindowWords) is string answer) samples.Add(new Sample(instruction, document, answer));
            }
        return samples;
    }

    /// <summary>The sample's ids without BOS: &lt;｜User｜&gt;{instruction}\n\n{document}&lt;｜Assistant｜&gt;&lt;/think&gt;{answer}&lt;｜end▁of▁sentence｜&gt;.</summary>
    public static int[] Encode(ChatEncoder encoder, Sample s) => encoder.Encode(new ChatPrompt
    {
        AddBos = false,
        Turns = [ChatTurn.User(s.Instruction + "\n\n" + s.Document), ChatTurn.Assistant(s.Answer)],
    }).Ids;

    public static SummaryStats Write(CorpusPaths paths, int seed)
    {
        Tokenizer tokenizer;
        using (var gguf = Engine.Gguf.GgufFile.Open(paths.TokenizerGguf)) tokenizer = Tokenizer.FromGguf(gguf);
        var encoder = new ChatEncoder(tokenizer);
        var (train, _) = DocumentStore.Read(paths.Documents);
        var samples = Build(train, seed);
        var ids = new int[samples.Count][];
        Parallel.For(0, samples.Count, i => ids[i] = Encode(encoder, samples[i]));
        TokenStream.Write(paths.Summaries, tokenizer.BosId, ids);
        File.WriteAllText(paths.SummaryExamples, string.Join("\n\n\f\n", samples.Take(40).Select(s =>
            $"[instruction] {s.Instruction}\n[document]\n{s.Document}\n[answer] {s.Answer}")) + "\n", new UTF8Encoding(false));
        var stats = new SummaryStats(seed, samples.Count, ids.Sum(a => (long)a.Length + 1), ids.Length == 0 ? 0 : ids.Average(a => a.Length + 1.0),
            samples.Count == 0 ? 0 : samples.Average(s => KeySentence.WordCount(s.Answer)));
        File.WriteAllText(paths.SummaryStats, JsonSerializer.Serialize(stats, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return stats;
    }

    public sealed record SummaryStats(int Seed, int Samples, long Tokens, double MeanSampleTokens, double MeanAnswerWords);
}
