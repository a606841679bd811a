using System.Buffers;

namespace DeepSeekV4.Engine.Tokenization;

/// <summary>
/// Finds added tokens (special and user-defined, e.g. <c>&lt;｜User｜&gt;</c>) in text as whole units, leftmost first and
/// the longest one where several start at the same place.
/// </summary>
internal sealed class AddedTokenMatcher
{
    private readonly SearchValues<char> _firstChars;
    // First character → candidates, longest first.
    private readonly Dictionary<char, (string Text, int Id)[]> _byFirstChar;

    public AddedTokenMatcher(IEnumerable<(string Text, int Id)> tokens)
    {
        _byFirstChar = tokens
            .Where(t => t.Text.Length > 0)
            .GroupBy(t => t.Text[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Text.Length).ThenBy(t => t.Id).ToArray());
        _firstChars = SearchValues.Create(_byFirstChar.Keys.ToArray());
    }

    public bool IsEmpty => _byFirstChar.Count == 0;

    /// <summary>The first added token at or after <paramref name="from"/>; false when there is none.</summary>
    public bool TryFindNext(ReadOnlySpan<char> text, int from, out int index, out int length, out int id)
    {
        int i = from;
        while (i < text.Length)
        {
            int hit = text[i..].IndexOfAny(_firstChars);
            if (hit < 0) break;
            i += hit;
            var rest = text[i..];
            foreach (var (tokenText, tokenId) in _byFirstChar[text[i]])
            {
                if (rest.StartsWith(tokenText, StringComparison.Ordinal))
                {
                    index = i;
                    length = tokenText.Length;
                    id = tokenId;
                    return true;
                }
            }
            i++;
        }
        index = length = id = -1;
        return false;
    }
}
