using DeepSeekV4.Corpus.ChatSamples;
using DeepSeekV4.Corpus.Cleaning;
using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Corpus.Tests;

public class SentenceAndProseTests
{
    [Fact]
    public void SentencesEndAtPunctuationBeforeACapitalDigitSlashOrQuote()
    {
        var s = Sentences.Split("It uses rsync, e.g. over ssh. Then it mails\n  /var/log/backup.log to root. 2 copies stay. Version 1.5 is used.");
        Assert.Equal(["It uses rsync, e.g. over ssh.", "Then it mails /var/log/backup.log to root.", "2 copies stay.", "Version 1.5 is used."], s);
    }

    [Fact]
    public void ParagraphsAreDedentedAndLoseAManPageHeadingLine()
    {
        const string text = "NAME\n       ls - list directory contents\n\nDESCRIPTION\n       List information about the FILEs.\n       Sort entries alphabetically.\n\n  Options, in short:\n  -a\n";
        // "Options, in short:" ends in a colon: text, not a heading.
        Assert.Equal(["ls - list directory contents", "List information about the FILEs. Sort entries alphabetically.", "Options, in short: -a"],
            ProseChunks.Paragraphs(text));
    }

    [Fact]
    public void ProseIsTwelveWordsOrMoreMostlyWordsAndEndsASentence()
    {
        Assert.True(ProseChunks.IsProse("The job copies the share to the backup host every night at half past one.", 15));
        Assert.False(ProseChunks.IsProse("The job copies the share to the backup host every night at half past one", 15));
        Assert.False(ProseChunks.IsProse("Copies the share nightly.", 4));
        Assert.False(ProseChunks.IsProse("-a -b -c -d -e -f -g -h -i -j -k -l --all x.", 14));
    }

    [Fact]
    public void ChunksAreRunsOfProseParagraphsOfFortyToOneHundredEightyWords()
    {
        string paragraph = string.Join(' ', Enumerable.Repeat("The backup host keeps copies.", 6));    // 30 words
        string text = string.Join("\n\n", Enumerable.Repeat(paragraph, 8)) + "\n\n-x\n\n" + paragraph + "\n\n" + paragraph;
        var chunks = ProseChunks.Cut(text).ToList();
        Assert.Equal([6, 2, 2], chunks.Select(c => c.Count));   // 180 words, the 60 left before the option line, then 60
        Assert.All(chunks, c => Assert.All(c, p => Assert.Equal(paragraph, p)));
        Assert.Empty(ProseChunks.Cut(paragraph));                 // 30 words < 40
    }

    [Fact]
    public void LayoutWrapsWithoutLosingOrChangingWords()
    {
        string p = string.Join(' ', Enumerable.Range(0, 60).Select(i => new string((char)('a' + i % 26), 1 + i % 9)));
        string text = ProseChunks.Layout([p, p], 40, blankLines: true);
        Assert.All(text.Split('\n'), line => Assert.True(line.Length <= 40, line));
        var parts = text.Split("\n\n");
        Assert.Equal(2, parts.Length);
        Assert.All(parts, part => Assert.Equal(p, part.Replace('\n', ' ')));
        Assert.Equal(p + "\n" + p, ProseChunks.Layout([p, p], 0, blankLines: false));
    }
}

public class ContinuationSampleTests
{
    private const string First = "The nightly job copies the share to the backup host over SSH every night at half past one. " +
                                 "Old copies stay on the backup host for a week, and the job keeps hard links between copies.";
    private const string Second = "Mail goes to the administrators when the job fails. The last lines of the job's log are attached.";

    private static readonly CorpusDocument[] Documents =
    [
        new("a", "test", $"NAME\n       backup - copy the share\n\nDESCRIPTION\n       {First}\n\n       {Second}\n"),
        new("b", "test", "-a\n\n-b\n"),
    ];

    [Fact]
    public void ARunsLastParagraphAnswersTheParagraphsBeforeIt()
    {
        var (document, answer) = ContinuationSamples.Split([First, Second])!.Value;
        Assert.Equal([First], document);
        Assert.Equal(Second, answer);
    }

    [Fact]
    public void OneParagraphGivesItsLastThirdOfSentences()
    {
        string[] s = ["One two three four five six seven eight nine ten.", "Eleven twelve thirteen fourteen fifteen sixteen seventeen.",
                      "Eighteen nineteen twenty twenty-one twenty-two.", "Twenty-three twenty-four twenty-five twenty-six.",
                      "Twenty-seven twenty-eight twenty-nine thirty."];
        var (document, answer) = ContinuationSamples.Split([string.Join(' ', s)])!.Value;   // keep ceil(2/3 × 5) = 4
        Assert.Equal([string.Join(' ', s[..4])], document);
        Assert.Equal(s[4], answer);
        Assert.Null(ContinuationSamples.Split([string.Join(' ', s[..2])]));                 // fewer than 3 sentences
    }

    [Fact]
    public void AnswersAreWholeSentencesOfAtMostSixtyWordsAndDocumentsAtLeastTwentyFive()
    {
        string sentence = "Word " + string.Join(' ', Enumerable.Repeat("word", 23)) + " end.";   // 25 words
        var (_, answer) = ContinuationSamples.Split([First, string.Join(' ', Enumerable.Repeat(sentence, 3))])!.Value;
        Assert.Equal(sentence + " " + sentence, answer);                                      // 50 words; a third would make 75
        Assert.Null(ContinuationSamples.Split([First, string.Join(' ', Enumerable.Repeat("word", 70)) + "."]));
        Assert.Null(ContinuationSamples.Split(["Too short to answer from here.", Second]));
    }

    [Fact]
    public void SamplesComeFromProseRunsUnderTheInstructionsDeterministically()
    {
        var samples = ContinuationSamples.Build(Documents, seed: 3);
        var sample = Assert.Single(samples);
        Assert.Contains(sample.Instruction, ContinuationSamples.Instructions);
        Assert.Equal(First, sample.Document.Replace('\n', ' '));
        Assert.Equal(Second, sample.Answer.Replace('\n', ' '));
        Assert.Equal(samples, ContinuationSamples.Build(Documents, seed: 3));
    }

    [Fact]
    public void ASamplesPromptIsEncodedAsTheEngineEncodesACompletionsPrompt()
    {
        Tokenizer tokenizer;
        using (var gguf = Engine.Gguf.GgufFile.Open(Path.Combine(CorpusPaths.RepositoryRoot(), "models", "dsv4-sysadmin.gguf")))
            tokenizer = Tokenizer.FromGguf(gguf);
        var encoder = new ChatEncoder(tokenizer);
        var sample = ContinuationSamples.Build(Documents, seed: 3)[0];
        int[] ids = ContinuationSamples.Encode(encoder, sample);
        // The inference path: a user turn ending the prompt, with BOS (CompletionRequest joins instruction and document by a blank line).
        int[] prompt = encoder.Encode(ChatPrompt.FromUser(sample.Instruction + "\n\n" + sample.Document)).Ids;
        Assert.Equal(tokenizer.BosId, prompt[0]);
        Assert.Equal(prompt[1..], ids[..(prompt.Length - 1)]);
        Assert.Equal(tokenizer.EosId, ids[^1]);
        Assert.Equal(sample.Answer, tokenizer.Decode(ids[(prompt.Length - 1)..^1]));
    }
}
