using System.Globalization;

namespace DeepSeekV4.Cli.Commands;

/// <summary>`dsv4 detokenize --vocab FILE --ids 1,2,3`: prints the text the ids spell (added tokens as their text).</summary>
public sealed class DetokenizeCommand : ICliCommand
{
    public string Name => "detokenize";
    public string Usage => "detokenize --vocab FILE --ids 1,2,3";

    public int Run(CliArguments args, TextWriter output)
    {
        string idList = args.Require("ids");
        args.Require("vocab");
        TokenizerFileLoader.RejectUnknownOptions(args);
        int[] ids = ParseIds(idList);
        var tokenizer = TokenizerFileLoader.Load(args);
        foreach (int id in ids)
            if ((uint)id >= (uint)tokenizer.VocabularySize)
                throw new CliUsageException($"token id {id} is outside the vocabulary (size {tokenizer.VocabularySize})");
        output.WriteLine(tokenizer.Decode(ids));
        return 0;
    }

    /// <summary>"1,2,3" (spaces and surrounding brackets allowed, as a JSON array prints).</summary>
    public static int[] ParseIds(string text)
    {
        var parts = text.Trim().TrimStart('[').TrimEnd(']').Split(',', StringSplitOptions.TrimEntries);
        if (parts is [""]) return [];
        return parts.Select(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out int id)
            ? id
            : throw new CliUsageException($"--ids expects comma-separated integers, got '{p}'")).ToArray();
    }
}
