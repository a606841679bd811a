using System.Text;

namespace DeepSeekV4.Corpus.ChatSamples;

/// <summary>
/// Cuts a document into short runs of prose paragraphs — the shape of what users pipe in (a note, a report, a page
/// section): paragraphs split at blank lines, dedented; a paragraph is prose when it has at least 12 words, mostly
/// words of letters, and ends a sentence. Runs of consecutive prose paragraphs of 40–180 words are kept.
/// </summary>
public static class ProseChunks
{
    public const int MinWords = 40;
    public const int MaxWords = 180;

    public static IEnumerable<IReadOnlyList<string>> Cut(string text)
    {
        var run = new List<string>();
        int words = 0;
        foreach (string paragraph in Paragraphs(text))
        {
            int n = Sentences.WordCount(paragraph);
            bool prose = IsProse(paragraph, n);
            if (!prose || words + n > MaxWords)
            {
                if (words >= MinWords) yield return run;
                run = [];
                words = 0;
            }
            if (prose && n <= MaxWords)
            {
                run.Add(paragraph);
                words += n;
            }
        }
        if (words >= MinWords) yield return run;
    }

    /// <summary>
    /// Paragraphs with their lines' indentation and trailing spaces removed, lines joined by single spaces. A man
    /// page's section heading ("DESCRIPTION", "Proxy Configuration") sits on the line above its text without a blank
    /// line: a first line of at most 6 words without closing punctuation, above more lines, is dropped.
    /// </summary>
    public static IEnumerable<string> Paragraphs(string text)
    {
        var lines = new List<string>();
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length > 0)
            {
                lines.Add(line);
                continue;
            }
            if (lines.Count > 0) yield return Join(lines);
            lines.Clear();
        }
        if (lines.Count > 0) yield return Join(lines);
    }

    private static string Join(List<string> lines)
    {
        bool heading = lines.Count > 1 && Sentences.WordCount(lines[0]) <= 6 && lines[0][^1] is not ('.' or ',' or ':' or ';' or '!' or '?');
        return string.Join(' ', heading ? lines.Skip(1) : lines);
    }

    public static bool IsProse(string paragraph, int words)
    {
        if (words < 12) return false;
        char last = paragraph[^1];
        if (last is not ('.' or '!' or '?')) return false;
        int alphabetic = paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries).Count(w => w.Count(char.IsLetter) * 2 > w.Length);
        return alphabetic * 10 >= words * 8;
    }

    /// <summary>The paragraphs wrapped at <paramref name="width"/> columns (0: a paragraph a line), one blank line or none between them.</summary>
    public static string Layout(IReadOnlyList<string> paragraphs, int width, bool blankLines)
    {
        var text = new StringBuilder();
        foreach (string p in paragraphs)
        {
            if (text.Length > 0) text.Append(blankLines ? "\n\n" : "\n");
            if (width <= 0)
            {
                text.Append(p);
                continue;
            }
            int column = 0;
            foreach (string word in p.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (column > 0 && column + 1 + word.Length > width)
                {
                    text.Append('\n');
                    column = 0;
                }
                else if (column > 0)
                {
                    text.Append(' ');
                    column++;
                }
                text.Append(word);
                column += word.Length;
            }
        }
        return text.ToString();
    }
}
