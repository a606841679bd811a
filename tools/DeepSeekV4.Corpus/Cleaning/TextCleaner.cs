using System.Text;
using System.Text.RegularExpressions;

namespace DeepSeekV4.Corpus.Cleaning;

/// <summary>
/// Normalises converted text: one newline convention, tabs as spaces, no control or invisible characters, trailing
/// spaces cut, leading indentation capped at 8, runs of inner spaces (justification) collapsed, lines without a letter
/// or digit that are table rules or separators dropped, and paragraphs separated by exactly one blank line.
/// </summary>
public static partial class TextCleaner
{
    public const int MaxIndent = 8;

    [GeneratedRegex(@"(?<=\S) {2,}", RegexOptions.CultureInvariant)]
    private static partial Regex InnerSpaces();

    // groff's running header "LS(1)    User Commands    LS(1)" and footer "GNU coreutils 9.1    September 2022    LS(1)".
    [GeneratedRegex(@"^\S.*\S {2,}\S+\([0-9A-Za-z]+\)$", RegexOptions.CultureInvariant)]
    private static partial Regex ManRunningLine();

    public static string Clean(string text, bool manPage = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rawLines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        if (manPage) DropRunningHeaderAndFooter(rawLines);
        var lines = rawLines.ConvertAll(NormaliseLine);

        var output = new StringBuilder(text.Length);
        bool pendingBreak = false;
        foreach (string line in lines)
        {
            if (line.Length == 0 || IsRule(line))
            {
                pendingBreak |= line.Length == 0;
                continue;
            }
            if (output.Length > 0) output.Append(pendingBreak ? "\n\n" : "\n");
            pendingBreak = false;
            output.Append(line);
        }
        return output.ToString();
    }

    internal static string NormaliseLine(string line)
    {
        var sb = new StringBuilder(line.Length);
        foreach (char c in line)
        {
            if (c == '\t') sb.Append("    ");
            else if (c is '\f' or '\v' or '\u00A0' or '\u2007' or '\u202F') sb.Append(' ');
            else if (char.IsControl(c) || c is '\u00AD' or '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF') continue;
            else sb.Append(c);
        }
        string s = sb.ToString().TrimEnd();
        int indent = 0;
        while (indent < s.Length && s[indent] == ' ') indent++;
        if (indent == s.Length) return "";
        return new string(' ', Math.Min(indent, MaxIndent)) + InnerSpaces().Replace(s[indent..], " ");
    }

    /// <summary>A line with no letter or digit made of at most three different characters: a table rule or separator.</summary>
    internal static bool IsRule(string line)
    {
        var distinct = new HashSet<char>();
        int length = 0;
        foreach (char c in line)
        {
            if (c == ' ') continue;
            if (char.IsLetterOrDigit(c)) return false;
            distinct.Add(c);
            length++;
        }
        return length >= 4 && distinct.Count <= 3;
    }

    private static void DropRunningHeaderAndFooter(List<string> rawLines)
    {
        int first = rawLines.FindIndex(l => l.Trim().Length > 0);
        if (first >= 0 && ManRunningLine().IsMatch(rawLines[first].Trim())) rawLines[first] = "";
        int last = rawLines.FindLastIndex(l => l.Trim().Length > 0);
        if (last >= 0 && ManRunningLine().IsMatch(rawLines[last].Trim())) rawLines[last] = "";
    }
}
