using System.Buffers;

namespace DeepSeekV4.Engine.Tokenization;

/// <summary>
/// Finds added tokens (special and user-defined, e.g. <c>&lt;｜User｜&gt;</c>) in text as whole units, leftmost first and
/// the longest one where several start at the same place. Candidates are narrowed by their first two characters,
/// then tried by hash lookup once per distinct length, so text full of '&lt;' stays cheap.
/// </summary>
internal sealed class AddedTokenMatcher
{
    private readonly SearchValues<char> _firstChars;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _byText;
    // (first char, second char) → the distinct lengths (≥ 2) of tokens starting so, longest first.
    private readonly Dictionary<int, int[]> _lengthsByPrefix;
    private readonly Dictionary<char, int> _singleCharTokens;

    public AddedTokenMatcher(IEnumerable<(string Text, int Id)> tokens)
    {
        var all = tokens.Where(t => t.Text.Length > 0).ToList();
        var byText = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (text, id) in all) byText.TryAdd(text, id);
        _byText = byText.GetAlternateLookup<ReadOnlySpan<char>>();
        _lengthsByPrefix = all.Where(t => t.Text.Length >= 2)
            .GroupBy(t => Prefix(t.Text[0], t.Text[1]))
            .ToDictionary(g => g.Key, g => g.Select(t => t.Text.Length).Distinct().OrderDescending().ToArray());
        _singleCharTokens = all.Where(t => t.Text.Length == 1).GroupBy(t => t.Text[0]).ToDictionary(g => g.Key, g => g.First().Id);
        _firstChars = SearchValues.Create(all.Select(t => t.Text[0]).Distinct().ToArray());
        IsEmpty = all.Count == 0;
    }

    private static int Prefix(char first, char second) => (first << 16) | second;

    public bool IsEmpty { get; }

    /// <summary>The first added token at or after <paramref name="from"/>; false when there is none.</summary>
    public bool TryFindNext(ReadOnlySpan<char> text, int from, out int index, out int length, out int id)
    {
        int i = from;
        while (i < text.Length)
        {
            int hit = text[i..].IndexOfAny(_firstChars);
            if (hit < 0) break;
            i += hit;
            if (i + 1 < text.Length && _lengthsByPrefix.TryGetValue(Prefix(text[i], text[i + 1]), out int[]? lengths))
            {
                foreach (int candidate in lengths)
                {
                    if (candidate <= text.Length - i && _byText.TryGetValue(text.Slice(i, candidate), out id))
                    {
                        index = i;
                        length = candidate;
                        return true;
                    }
                }
            }
            if (_singleCharTokens.TryGetValue(text[i], out id))
            {
                index = i;
                length = 1;
                return true;
            }
            i++;
        }
        index = length = id = -1;
        return false;
    }
}
