using System.Text;
using System.Text.RegularExpressions;
using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;

/// <summary>
/// A real byte-level BPE vocabulary of any size, laid out like the dsv4-tiny fixture's: the 7 DeepSeek special
/// tokens (ids 0–6), the 256 byte tokens in byte order (id 7 + b = GPT-2's byte-to-unicode character of b), then one
/// token per merge in rank order. Merges are first learned from a short built-in English text; when that runs out,
/// filler merges join letters into longer strings until the size is reached. Every merge joins two tokens that exist
/// before it and makes a new one, so any byte-level BPE tokenizer can load it.
/// </summary>
public sealed class SyntheticVocabulary
{
    /// <summary>Specials and their ggml token types (3 = control, 4 = user-defined), as in the fixture.</summary>
    private static readonly (string Text, int Type)[] Specials =
    [
        ("<｜begin▁of▁sentence｜>", 3), ("<｜end▁of▁sentence｜>", 3), ("<｜▁pad▁｜>", 3),
        ("<｜User｜>", 4), ("<｜Assistant｜>", 4), ("<think>", 4), ("</think>", 4),
    ];

    public const int ByteTokenOffset = 7;
    public const int MinimumSize = ByteTokenOffset + 256;
    public const int BosTokenId = 0;
    public const int EosTokenId = 1;
    public const int PaddingTokenId = 2;
    private const int NormalTokenType = 1;

    public string[] Tokens { get; }
    public int[] TokenTypes { get; }
    /// <summary>"left right" pairs in rank order; merge r makes token <see cref="MinimumSize"/> + r.</summary>
    public string[] Merges { get; }

    private SyntheticVocabulary(string[] tokens, int[] types, string[] merges)
    {
        Tokens = tokens;
        TokenTypes = types;
        Merges = merges;
    }

    public static SyntheticVocabulary Create(int size)
    {
        if (size < MinimumSize) throw new ArgumentOutOfRangeException(nameof(size), size, $"a vocabulary needs at least {MinimumSize} tokens");
        var tokens = new List<string>(size);
        var types = new List<int>(size);
        foreach (var (text, type) in Specials)
        {
            tokens.Add(text);
            types.Add(type);
        }
        string[] byteChars = ByteCharacters();
        foreach (string c in byteChars)
        {
            tokens.Add(c);
            types.Add(NormalTokenType);
        }

        var known = new HashSet<string>(tokens, StringComparer.Ordinal);
        var merges = new List<string>(size - MinimumSize);
        int wanted = size - MinimumSize;
        void AddMerge(string left, string right)
        {
            string joined = left + right;
            if (merges.Count >= wanted || !known.Add(joined)) return;
            merges.Add(left + " " + right);
            tokens.Add(joined);
            types.Add(NormalTokenType);
        }

        foreach (var (left, right) in LearnMerges(byteChars, wanted)) AddMerge(left, right);
        AddFillerMerges(byteChars, () => merges.Count >= wanted, AddMerge);
        return new SyntheticVocabulary([.. tokens], [.. types], [.. merges]);
    }

    /// <summary>GPT-2's reversible byte → printable character mapping, indexed by byte.</summary>
    private static string[] ByteCharacters() => [.. Enumerable.Range(0, 256).Select(b => ByteLevelMapping.ByteToChar((byte)b).ToString())];

    private static readonly Regex PreTokenizer = new(@"\p{N}{1,3}| ?\p{L}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+", RegexOptions.CultureInvariant);

    /// <summary>Plain BPE training on <see cref="TrainingText"/>: repeatedly merge the most frequent adjacent pair.</summary>
    private static List<(string Left, string Right)> LearnMerges(string[] byteChars, int limit)
    {
        var wordCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match m in PreTokenizer.Matches(TrainingText))
        {
            string mapped = string.Concat(Encoding.UTF8.GetBytes(m.Value).Select(b => byteChars[b]));
            wordCounts[mapped] = wordCounts.GetValueOrDefault(mapped) + 1;
        }
        var words = wordCounts.OrderBy(w => w.Key, StringComparer.Ordinal)
            .Select(w => (Symbols: w.Key.Select(c => c.ToString()).ToList(), Count: w.Value)).ToList();

        var learned = new List<(string, string)>();
        while (learned.Count < limit)
        {
            var pairCounts = new Dictionary<(string, string), int>();
            foreach (var (symbols, count) in words)
                for (int i = 0; i + 1 < symbols.Count; i++)
                    pairCounts[(symbols[i], symbols[i + 1])] = pairCounts.GetValueOrDefault((symbols[i], symbols[i + 1])) + count;
            if (pairCounts.Count == 0) break;
            var best = pairCounts
                .OrderByDescending(p => p.Value)
                .ThenBy(p => p.Key.Item1, StringComparer.Ordinal)
                .ThenBy(p => p.Key.Item2, StringComparer.Ordinal)
                .First();
            if (best.Value < 2) break;
            var (left, right) = best.Key;
            learned.Add((left, right));
            foreach (var (symbols, _) in words)
            {
                for (int i = 0; i + 1 < symbols.Count; i++)
                {
                    if (symbols[i] != left || symbols[i + 1] != right) continue;
                    symbols[i] = left + right;
                    symbols.RemoveAt(i + 1);
                }
            }
        }
        return learned;
    }

    /// <summary>Joins "Ġ" (space) and ASCII letters with letters, generation by generation, until <paramref name="done"/>.</summary>
    private static void AddFillerMerges(string[] byteChars, Func<bool> done, Action<string, string> addMerge)
    {
        var letters = Enumerable.Range('a', 26).Concat(Enumerable.Range('A', 26)).Select(c => byteChars[c]).ToArray();
        var frontier = new List<string>(letters) { byteChars[' '] };
        while (!done())
        {
            var next = new List<string>(frontier.Count * letters.Length);
            foreach (string stem in frontier)
            {
                foreach (string letter in letters)
                {
                    if (done()) return;
                    addMerge(stem, letter);
                    next.Add(stem + letter);
                }
            }
            frontier = next;
        }
    }

    /// <summary>Original text written for this generator; it only has to give the merges plausible English statistics.</summary>
    private const string TrainingText = """
        The model reads a stream of tokens and writes the next one. Each token is a small piece of text: a byte, a
        part of a word, or a whole word when the word is common. The vocabulary decides which pieces exist. It is
        built by counting which pairs of pieces appear next to each other most often in a body of text and joining
        them, one pair at a time, until the list is long enough. The order of the joins matters, because the
        tokenizer replays them in the same order on new text.

        A synthetic model has random weights, so its answers mean nothing, but its shapes are real. That is what a
        benchmark needs: the same number of bytes read for every token, the same attention layout, the same routing
        of tokens to experts. When the numbers are measured on such a model, they tell how fast the real model would
        run on the same machine, as long as the memory and the threads are the same.

        Here is a short list of things people often write about: the weather in the morning and the evening, the
        price of bread and coffee, the time the train leaves the station, the name of the street where they live,
        the score of the game, the date of the meeting, and the reason the report was late. Sentences like these
        have many short words, such as the, and, of, to, in, is, it, that, was, for, on, with, as, at, by, from,
        this, which, have, not, are, but, or, be, one, all, there, their, would, what, when, about, into, more,
        other, some, time, only, than, then, them, these, so, can, will, each, many, most, over, such, after.

        Numbers are split into groups of at most three digits: 2024, 1000000, 3.14159, and 42 are all cut that way
        before any pair is joined. Punctuation stays apart from letters, and runs of spaces stay together.
        """;
}
