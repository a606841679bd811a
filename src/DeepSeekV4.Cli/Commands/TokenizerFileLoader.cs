using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Cli.Commands;

/// <summary>Loads the --vocab FILE of tokenize/detokenize (a .gguf or a tokenizer.json), reporting bad vocabularies as bad data.</summary>
internal static class TokenizerFileLoader
{
    public static Tokenizer Load(CliArguments args)
    {
        string path = args.Require("vocab");
        try
        {
            return Tokenizer.FromFile(path);
        }
        catch (TokenizerFormatException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }

    public static void RejectUnknownOptions(CliArguments args)
    {
        var unknown = args.Unused().ToList();
        if (unknown.Count > 0) throw new CliUsageException($"unknown option{(unknown.Count > 1 ? "s" : "")}: {string.Join(", ", unknown.Select(u => "--" + u))}");
    }
}
