using DeepSeekV4.Corpus.Summaries;
using DeepSeekV4.Corpus.Cleaning;
using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Corpus.Tests;

public class SummaryTests
{
    [Fact]
    public void KeySentenceIsTheOneWhoseWordsRecurMostElsewhere()
    {
        // Content words (3+ letters, not stop words) recurring in other sentences: the first sentence shares job,
        // copies, backup and host (4 / sqrt(6)), the third copies, backup and host (3 / sqrt(6)), the second job (1 / sqrt(6)).
        const string text = "The nightly job copies the share to the backup host.\n" +
                            "Mail goes to the administrators when the job fails badly.\n" +
                            "Old copies stay on the backup host for a week.";
        Assert.Equal("The nightly job copies the share to the backup host.", KeySentence.Choose(text));
    }

    [Fact]
    public void ATailLimitsTheCandidatesToSentencesStartingInTheLastWords()
    {
        // The sentences of the first test, 10 words each: the last 12 words hold the third only, the last 20 the second and
        // the third (which still wins, 3 / sqrt(6) against 1 / sqrt(6)), the last 30 all three.
        const string text = "The nightly job copies the share to the backup host.\n" +
                            "Mail goes to the administrators when the job fails badly.\n" +
                            "Old copies stay on the backup host for a week.";
        Assert.Equal("Old copies stay on the backup host for a week.", KeySentence.Choose(text, tailWords: 12));
        Assert.Equal("Old copies stay on the backup host for a week.", KeySentence.Choose(text, tailWords: 20));
        Assert.Equal("The nightly job copies the share to the backup host.", KeySentence.Choose(text, tailWords: 30));
    }

    [Fact]
    public void TheVerbatimSentenceKeepsTheDocumentsLineBreaks()
    {
        // Shared words: the second sentence has nightly, job, backup, host (4 / sqrt(6)); the first nightly, job (2 / sqrt(5)); the third backup, host (2 / 2).
        const string text = "The nightly job runs as root every day.\nThe nightly job copies the\nshare to the backup host. The backup\nhost keeps them for a week.";
        Assert.Equal("The nightly job copies the\nshare to the backup host.", KeySentence.ChooseVerbatim(text));
    }

    [Fact]
    public void EqualScoresGoToTheEarlierSentence()
    {
        const string text = "Alpha bravo charlie delta echo foxtrot golf. Golf foxtrot echo delta charlie bravo alpha.";
        Assert.Equal("Alpha bravo charlie delta echo foxtrot golf.", KeySentence.Choose(text));
    }

    [Fact]
    public void SentencesOutsideSixToFortyWordsAreNeverChosen()
    {
        string longOne = "Backup " + string.Join(' ', Enumerable.Repeat("host copies backup", 13)) + " host.";   // 41 words
        Assert.Null(KeySentence.Choose("Backup host copies files. " + longOne + " Copies reach the host."));
        Assert.Equal("The backup host keeps six copies.", KeySentence.Choose("Backup host copies. The backup host keeps six copies. " + longOne));
    }

    [Fact]
    public void SentencesEndAtPunctuationBeforeACapitalDigitSlashOrQuote()
    {
        var s = KeySentence.Sentences("It uses rsync, e.g. over ssh. Then it mails\n  /var/log/backup.log to root. 2 copies stay. Version 1.5 is used.");
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

public class SummarySampleTests
{
    private static readonly CorpusDocument[] Documents =
    [
        new("a", "test", "NAME\n       backup - copy the share\n\nDESCRIPTION\n" +
            "       The nightly job copies the share to the backup host over SSH every night at half past one.\n" +
            "       Old copies stay on the backup host for a week, and the job keeps hard links between copies.\n" +
            "       Mail goes to the administrators when the job fails, with the last lines of the job's log attached.\n"),
        new("b", "test", "-a\n\n-b\n"),
    ];

    [Fact]
    public void SamplesAnswerWithTheirDocumentsKeySentenceFromItsEndOrRepeatTheirParagraph()
    {
        var docs = Enumerable.Range(0, 12).Select(i => Documents[0] with { Id = $"a{i}" }).Append(Documents[1]).ToList();
        var samples = SummarySamples.Build(docs, seed: 3);
        Assert.Equal(12, samples.Count);
        Assert.Equal(samples, SummarySamples.Build(docs, seed: 3));
        var copies = samples.Where(s => SummarySamples.CopyInstructions.Contains(s.Instruction)).ToList();
        Assert.InRange(copies.Count, 1, 11);   // one in three on average: all or none of 12 has probability below 1 %
        Assert.All(copies, s => Assert.Equal(s.Document, s.Answer));
        foreach (var s in samples.Except(copies))
        {
            Assert.Contains(s.Instruction, SummarySamples.Instructions);
            Assert.DoesNotContain("DESCRIPTION", s.Document);
            Assert.Contains(s.Answer, s.Document);   // verbatim, line breaks included
            // All 57 words are within the last 75. Shared words: the first sentence job 3, copies 2, backup, host (7 / sqrt(10));
            // the second job 3, copies, backup, host (6 / sqrt(11)); the third job 2 (2 / sqrt(10)).
            Assert.Equal("The nightly job copies the share to the backup host over SSH every night at half past one.",
                string.Join(' ', s.Answer.Split(['\n', ' '], StringSplitOptions.RemoveEmptyEntries)));
        }
    }

    [Fact]
    public void ASamplesPromptIsEncodedAsTheEngineEncodesACompletionsPrompt()
    {
        Tokenizer tokenizer;
        using (var gguf = Engine.Gguf.GgufFile.Open(Path.Combine(CorpusPaths.RepositoryRoot(), "models", "dsv4-sysadmin.gguf")))
            tokenizer = Tokenizer.FromGguf(gguf);
        var encoder = new ChatEncoder(tokenizer);
        var sample = SummarySamples.Build(Documents, seed: 3)[0] with { Instruction = SummarySamples.Instructions[0] };
        int[] ids = SummarySamples.Encode(encoder, sample);
        // The inference path: a user turn ending the prompt, with BOS (CompletionRequest joins instruction and document by a blank line).
        int[] prompt = encoder.Encode(ChatPrompt.FromUser(sample.Instruction + "\n\n" + sample.Document)).Ids;
        Assert.Equal(tokenizer.BosId, prompt[0]);
        Assert.Equal(prompt[1..], ids[..(prompt.Length - 1)]);
        Assert.Equal(tokenizer.EosId, ids[^1]);
        Assert.Equal(sample.Answer, tokenizer.Decode(ids[(prompt.Length - 1)..^1]));
    }
}
