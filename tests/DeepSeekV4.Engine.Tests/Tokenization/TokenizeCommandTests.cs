using System.Text;
using System.Text.Json;
using DeepSeekV4.Cli;
using DeepSeekV4.Cli.Commands;

namespace DeepSeekV4.Engine.Tests.Tokenization;

/// <summary>`dsv4 tokenize` / `dsv4 detokenize`: option names and output formats are contracts for outside scripts.</summary>
public class TokenizeCommandTests
{
    private static (int Code, string Out, string Err) Run(ICliCommand command, params string[] args)
    {
        var o = new StringWriter { NewLine = "\n" };
        var e = new StringWriter();
        int code = CliRunner.Run(command, args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    private static string TinyVocab => FixturePaths.TinyModelF16;

    [Fact]
    public void TextPrintsCommaSeparatedIdsOnOneLine()
    {
        var c = TokenizerFixtures.TinyCases.Single(x => x.Text.StartsWith("<｜User｜>", StringComparison.Ordinal));
        var (code, output, _) = Run(new TokenizeCommand(), "--vocab", TinyVocab, "--text", c.Text);
        Assert.Equal(0, code);
        Assert.Equal(string.Join(",", c.Ids) + "\n", output);
    }

    [Fact]
    public void DetokenizePrintsTheText()
    {
        var c = TokenizerFixtures.TinyCases.Single(x => x.Text.StartsWith("你好", StringComparison.Ordinal));
        var (code, output, _) = Run(new DetokenizeCommand(), "--vocab", TinyVocab, "--ids", string.Join(",", c.Ids));
        Assert.Equal(0, code);
        Assert.Equal(c.Text + "\n", output);
    }

    [Fact]
    public void JsonlWithTokenizerJsonReproducesEveryFixtureCase()
    {
        string dir = Directory.CreateTempSubdirectory("dsv4-tokcli-").FullName;
        try
        {
            string vocab = Path.Combine(dir, "tokenizer.json");
            using (var src = TokenizerFixtures.OpenDeepSeekJson())
            using (var dst = File.Create(vocab))
                src.CopyTo(dst);
            string input = Path.Combine(dir, "in.jsonl"), outPath = Path.Combine(dir, "out.jsonl");
            File.WriteAllLines(input, TokenizerFixtures.DeepSeekCases.Select(c => JsonSerializer.Serialize(new { text = c.Text, other = 1 })));

            var (code, _, err) = Run(new TokenizeCommand(), "--vocab", vocab, "--jsonl", input, "--out", outPath);
            Assert.True(code == 0, err);
            var lines = File.ReadAllLines(outPath, Encoding.UTF8);
            Assert.Equal(TokenizerFixtures.DeepSeekCases.Count, lines.Length);
            for (int i = 0; i < lines.Length; i++)
            {
                using var doc = JsonDocument.Parse(lines[i]);
                Assert.Equal(TokenizerFixtures.DeepSeekCases[i].Text, doc.RootElement.GetProperty("text").GetString());
                Assert.Equal(TokenizerFixtures.DeepSeekCases[i].Ids, doc.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray());
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void JsonlLineWithoutTextIsAnErrorNamingTheLine()
    {
        string input = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(input, ["{\"text\":\"a\"}", "{\"txt\":\"b\"}"]);
            var (code, _, err) = Run(new TokenizeCommand(), "--vocab", TinyVocab, "--jsonl", input, "--out", input + ".out");
            Assert.Equal(1, code);
            Assert.Contains(":2:", err);
        }
        finally
        {
            File.Delete(input);
            File.Delete(input + ".out");
        }
    }

    [Fact]
    public void BadIdsAndOptionsAreUsageErrors()
    {
        Assert.Equal(2, Run(new DetokenizeCommand(), "--vocab", TinyVocab, "--ids", "1,x").Code);
        Assert.Equal(2, Run(new DetokenizeCommand(), "--vocab", TinyVocab, "--ids", "512").Code);
        Assert.Equal(2, Run(new TokenizeCommand(), "--vocab", TinyVocab).Code);
        Assert.Equal(2, Run(new TokenizeCommand(), "--vocab", TinyVocab, "--text", "a", "--bogus", "1").Code);
    }

    [Fact]
    public void IdListsAcceptSpacesAndBrackets()
    {
        Assert.Equal(new[] { 1, 2, 3 }, DetokenizeCommand.ParseIds("[1, 2,3]"));
        Assert.Empty(DetokenizeCommand.ParseIds(""));
    }
}
