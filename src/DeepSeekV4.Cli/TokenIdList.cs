using System.Globalization;

namespace DeepSeekV4.Cli;

/// <summary>Token ids given on the command line: "5,17,9", or "@FILE" for a file of ids separated by commas or white space.</summary>
public static class TokenIdList
{
    public static int[] Parse(string text, string option = "tokens")
    {
        string source = text;
        if (text.StartsWith('@'))
        {
            string path = text[1..];
            if (!File.Exists(path)) throw new CliUsageException($"--{option}: file not found: {path}");
            source = File.ReadAllText(path);
        }
        var parts = source.Split([',', ' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new CliUsageException($"--{option}: no token ids in '{Shorten(text)}'");
        var ids = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out ids[i]))
                throw new CliUsageException($"--{option}: '{Shorten(parts[i])}' (item {i + 1}) is not a token id");
        return ids;
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
