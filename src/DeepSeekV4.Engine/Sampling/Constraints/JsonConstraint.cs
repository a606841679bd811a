using System.Diagnostics;

namespace DeepSeekV4.Engine.Sampling.Constraints;

/// <summary>
/// Constrains one generation to a JSON document: before each sample, <see cref="Apply"/> leaves only the tokens
/// whose bytes keep the output a prefix of a valid document (and end-of-generation ids once it is complete);
/// <see cref="Accept"/> moves the automaton over the token sampled. Masks are found by walking the vocabulary's
/// trie with the automaton state and cached per state. With a token budget, tokens after which the document could
/// no longer be closed within it are left out too, so a document ends complete whenever the budget allows; when
/// even the shortest completion does not fit, only the tokens that bring the end nearest are left.
/// </summary>
internal sealed class JsonConstraint
{
    private const int MaxCachedMasks = 512;

    private readonly ConstraintVocabulary _vocabulary;
    private readonly int _size;
    private readonly int[] _endIds;
    private readonly JsonFrameLinks _links = new();
    private readonly Dictionary<(JsonFrame, JsonFrameLink?), TokenMask> _cache = [];
    private readonly TokenMask _forced;
    private JsonState _state;
    private long _ticks;

    public JsonConstraint(SchemaNode root, ConstraintVocabulary vocabulary, int logitCount, IEnumerable<int> endIds)
    {
        _vocabulary = vocabulary;
        _size = logitCount;
        _endIds = [.. endIds.Where(id => (uint)id < (uint)logitCount)];
        _forced = new TokenMask(logitCount);
        _state = JsonState.Start(root);
    }

    /// <summary>The document is closed: nothing may follow it.</summary>
    public bool IsFinished => _state.Done;

    /// <summary>The bytes so far are a whole document.</summary>
    public bool IsComplete => JsonAutomaton.IsComplete(_state);

    internal JsonState State => _state;

    /// <summary>Fewest bytes that still complete the document.</summary>
    public int MinRemaining => JsonAutomaton.MinRemaining(_state);

    /// <summary>Time spent in <see cref="Apply"/> and <see cref="Accept"/>.</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(0, _ticks);

    /// <summary>Sets the logits of every token not allowed now to -∞; <paramref name="budget"/> is how many tokens may still be generated, this one included.</summary>
    public void Apply(Span<float> logits, int budget)
    {
        long start = Stopwatch.GetTimestamp();
        Mask(budget).Apply(logits);
        _ticks += Stopwatch.GetTimestamp() - start;
    }

    /// <summary>The tokens allowed now (cached per state unless the budget narrows them).</summary>
    internal TokenMask Mask(int budget)
    {
        var key = (Normalized(_state.Top), _state.Parent);
        if (!_cache.TryGetValue(key, out var mask))
        {
            if (_cache.Count >= MaxCachedMasks) _cache.Clear();
            mask = new TokenMask(_size);
            Compute(_state, int.MaxValue, mask);
            if (mask.Count == 0)
                throw new InvalidOperationException($"no token of the vocabulary continues the JSON document (state {_state.Top.Kind} {_state.Top.Phase}); the vocabulary lacks single-byte tokens");
            _cache.Add(key, mask);
        }
        if (mask.MaxRemainingAfter <= budget - 1) return mask;
        Compute(_state, budget, _forced);
        if (_forced.Count > 0) return _forced;
        // Even the shortest completion no longer fits: keep to the tokens that bring the end nearest (longer tokens may still make it).
        Compute(_state, mask.MinRemainingAfter + 1, _forced);
        return _forced.Count > 0 ? _forced : mask;
    }

    /// <summary>Moves past a sampled token (not an end-of-generation id); throws when its bytes do not continue the document.</summary>
    public void Accept(int token)
    {
        long start = Stopwatch.GetTimestamp();
        var bytes = (uint)token < (uint)_vocabulary.Size ? _vocabulary.Bytes[token] : null;
        var next = _state;
        bool ok = bytes is { Length: > 0 };
        if (ok)
        {
            foreach (byte b in bytes!)
            {
                if (!JsonAutomaton.Advance(ref next, b, _links))
                {
                    ok = false;
                    break;
                }
            }
        }
        if (!ok) throw new InvalidOperationException($"token {token} does not continue the JSON document");
        _state = next;
        _ticks += Stopwatch.GetTimestamp() - start;
    }

    /// <summary>Fills <paramref name="mask"/> with the tokens allowed in <paramref name="state"/> under <paramref name="budget"/>.</summary>
    internal void Compute(in JsonState state, int budget, TokenMask mask)
    {
        mask.Clear();
        if (JsonAutomaton.IsComplete(state))
        {
            foreach (int id in _endIds) mask.Add(id);
        }
        var top = state.Top;
        int maxAfter = 0, minAfter = int.MaxValue;
        if (top.Kind == JsonFrameKind.String && top.Phase == JsonAutomaton.StrContent && top.Count >= top.Node.MinLength)
        {
            // Inside a string, a plain token leaves the state as it is but for the count: allowed while it fits.
            int after = JsonAutomaton.MinRemaining(state);
            if (top.Node.MaxLength > top.Count && _vocabulary.PlainByChars.Length > 0) minAfter = after;
            if (after <= budget - 1) AddPlain(top.Node.MaxLength - top.Count, mask, ref maxAfter, after);
            Walk(_vocabulary.NonPlain, 0, state, budget, mask, ref maxAfter, ref minAfter);
        }
        else
        {
            Walk(_vocabulary.All, 0, state, budget, mask, ref maxAfter, ref minAfter);
        }
        mask.MaxRemainingAfter = maxAfter;
        mask.MinRemainingAfter = minAfter;
        mask.Seal();
    }

    private void AddPlain(long room, TokenMask mask, ref int maxAfter, int after)
    {
        var counts = _vocabulary.PlainCharCounts;
        if (counts.Length == 0 || room <= 0) return;
        maxAfter = Math.Max(maxAfter, after);
        if (room >= counts[^1] && _vocabulary.Size <= _size)
        {
            mask.Or(_vocabulary.PlainBits);
            return;
        }
        var ids = _vocabulary.PlainByChars;
        for (int i = 0; i < ids.Length && counts[i] <= room; i++)
        {
            if (ids[i] < _size) mask.Add(ids[i]);
        }
    }

    private void Walk(TokenTrie trie, int node, in JsonState state, int budget, TokenMask mask, ref int maxAfter, ref int minAfter)
    {
        for (int child = trie.FirstChild(node); child >= 0; child = trie.NextSibling(child))
        {
            var next = state;
            if (!JsonAutomaton.Advance(ref next, trie.Label(child), _links)) continue;
            int token = trie.Token(child);
            if (token >= 0)
            {
                int after = JsonAutomaton.MinRemaining(next);
                minAfter = Math.Min(minAfter, after);
                if (after <= budget - 1)
                {
                    maxAfter = Math.Max(maxAfter, after);
                    AddToken(trie, child, token, mask);
                }
            }
            if (trie.FirstChild(child) >= 0) Walk(trie, child, next, budget, mask, ref maxAfter, ref minAfter);
        }
    }

    private void AddToken(TokenTrie trie, int node, int token, TokenMask mask)
    {
        if (token < _size) mask.Add(token);
        if (trie.SameBytes.Count > 0 && trie.SameBytes.TryGetValue(node, out var more))
        {
            foreach (int id in more)
            {
                if (id < _size) mask.Add(id);
            }
        }
    }

    /// <summary>
    /// The frame as a cache key: a string's character count matters only near its bounds, so far from them every
    /// count maps to one key (the walk cannot reach maxLength within one token).
    /// </summary>
    private JsonFrame Normalized(JsonFrame top)
    {
        if (top.Kind == JsonFrameKind.String && top.Count >= top.Node.MinLength
            && (top.Node.MaxLength == int.MaxValue || (long)top.Node.MaxLength - top.Count > _vocabulary.LongestTokenBytes))
            top.Count = -1;
        return top;
    }
}
