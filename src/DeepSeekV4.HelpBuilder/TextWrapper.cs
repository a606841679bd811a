using System.Text;

namespace DeepSeekV4.HelpBuilder;

/// <summary>Word wrap for plain-text help: lines of at most a given width, with a first-line and a hanging indent.</summary>
public static class TextWrapper
{
    /// <summary>
    /// Wraps <paramref name="text"/> (hard line breaks kept) into lines of at most <paramref name="width"/> characters; a
    /// word longer than a line stands alone.
    /// </summary>
    public static IEnumerable<string> Wrap(string text, int width, string firstIndent, string restIndent)
    {
        bool first = true;
        foreach (var hardLine in text.Split('\n'))
        {
            var line = new StringBuilder(first ? firstIndent : restIndent);
            int lineStart = line.Length;
            foreach (var word in hardLine.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (line.Length > lineStart && line.Length + 1 + word.Length > width)
                {
                    yield return line.ToString();
                    line.Clear().Append(restIndent);
                    lineStart = line.Length;
                }
                if (line.Length > lineStart) line.Append(' ');
                line.Append(word);
            }
            yield return line.ToString().TrimEnd();
            first = false;
        }
    }
}
